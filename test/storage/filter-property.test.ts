import { expect, it } from 'vitest';
import fc from 'fast-check';
import { describeEachEngine } from '../support/engines.js';
import { usePropertyTable } from './property-table.js';
import { evaluate, type Row } from '../support/filter-eval.js';
import { parseXataFilter } from '../../src/core/query/xata-filter.js';
import { parseXataSort } from '../../src/core/query/xata-sort.js';
import { reversed, withNullOrder } from '../../src/core/query/sort-keys.js';
import { filterArb, recordArb, sortArb } from './filter-arbitraries.js';

/**
 * Property tests: random data and random Xata filters and sorts; each engine's SQL must
 * return exactly what the in-memory evaluation of the same filter AST returns, in the
 * same order. Small value domains make ties, matches, missing values and SQL-special
 * characters (%, _, *, ?, \) common.
 */
describeEachEngine('filters and sorts: SQL agrees with the in-memory evaluation', (engine) => {
  const t = usePropertyTable(engine);

  /** Replaces the table's rows; returns them as the evaluator sees them (logical values). */
  async function load(records: Array<Record<string, unknown>>): Promise<Row[]> {
    const rows = records.map((r, i) => ({
      id: `r${String(i).padStart(3, '0')}`,
      values: { ...r, d: r.d === null || r.d === undefined ? null : Date.parse(r.d as string) },
    }));
    await t.load(rows);
    return rows;
  }

  it('random filters select the same records', async () => {
    await fc.assert(fc.asyncProperty(fc.array(recordArb, { maxLength: 25 }), fc.array(filterArb, { minLength: 1, maxLength: 8 }), async (records, filters) => {
      const rows = await load(records);
      for (const json of filters) {
        const where = parseXataFilter(json, t.paths());
        const expected = rows.filter((row) => evaluate(where, row)).map((r) => r.id);
        const actual = await t.selectIds(where);
        expect(actual, JSON.stringify(json)).toEqual(expected);
      }
    }), { numRuns: 100 });
  });

  /** The reference order: sort keys with missing values last, then the id. */
  const compare = (sort: Array<Record<string, string>>) => (a: Row, b: Row) => {
    for (const key of sort) {
      const [column, dir] = Object.entries(key)[0]!;
      const x = a.values[column] ?? null;
      const y = b.values[column] ?? null;
      if (x === y) continue;
      if (x === null) return 1;
      if (y === null) return -1;
      const c = x < y ? -1 : 1;
      return dir === 'asc' ? c : -c;
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };

  it('random filters with random sorts order the records the same way, forwards and reversed', async () => {
    await fc.assert(fc.asyncProperty(fc.array(recordArb, { maxLength: 25 }), fc.option(filterArb, { nil: undefined }), sortArb, async (records, json, sort) => {
      const rows = await load(records);
      const paths = t.paths();
      const where = json ? parseXataFilter(json, paths) : undefined;
      // As the query service orders: keys, then the id; keys the filter requires need no NULLS clause.
      const keys = withNullOrder([...parseXataSort(sort, paths), { field: { tableAlias: 't0', column: 'id' }, direction: 'asc' }], where ?? { kind: 'const', value: true });
      const expected = rows.filter((row) => !where || evaluate(where, row)).sort(compare(sort)).map((r) => r.id);
      expect(await t.selectIds(where as never, keys), JSON.stringify({ json, sort })).toEqual(expected);
      expect(await t.selectIds(where as never, keys.map(reversed)), JSON.stringify({ json, sort, reversed: true })).toEqual([...expected].reverse());
    }), { numRuns: 60 });
  });
});
