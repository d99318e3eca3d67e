import { expect, it } from 'vitest';
import fc from 'fast-check';
import { describeEachEngine } from '../support/engines.js';
import { usePropertyTable } from './property-table.js';
import { evaluate, type Row } from '../support/filter-eval.js';
import { parseXataFilter } from '../../src/core/query/xata-filter.js';
import { parseXataSort } from '../../src/core/query/xata-sort.js';
import { reversed, withNullOrder } from '../../src/core/query/sort-keys.js';

/**
 * Property tests: random data and random Xata filters and sorts; each engine's SQL must
 * return exactly what the in-memory evaluation of the same filter AST returns, in the
 * same order. Small value domains make ties, matches, missing values and SQL-special
 * characters (%, _, *, ?, \) common.
 */
const CHARS = ['a', 'b', 'A', 'B', '%', '_', '*', '?', '\\', 'é', 'É', ' '];
const text = fc.array(fc.constantFrom(...CHARS), { maxLength: 3 }).map((cs) => cs.join(''));
const int = fc.integer({ min: -3, max: 3 });
const float = fc.constantFrom(-1.5, 0, 0.25, 2, 1e-3);
const dates = [0, 86_400_000, 1_700_000_000_000, 1_700_000_000_001].map((ms) => new Date(ms).toISOString());
const date = fc.constantFrom(...dates);
const TAGS = ['x', 'y', 'xy', 'Y', '%'];
const tags = fc.array(fc.constantFrom(...TAGS), { maxLength: 3 });
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 4 });

const recordArb = fc.record({ s: maybe(text), n: maybe(int), f: maybe(float), b: maybe(fc.boolean()), d: maybe(date), tags: maybe(tags) });

const textOps = fc.oneof(
  text.map((v) => v),
  fc.record({ op: fc.constantFrom('$is', '$isNot', '$contains', '$iContains', '$startsWith', '$endsWith', '$pattern', '$iPattern', '$gt', '$le'), v: text }).map(({ op, v }) => ({ [op]: v })),
  fc.array(text, { minLength: 1, maxLength: 3 }).map((vs) => ({ $any: vs })),
);
const numberOps = (arb: fc.Arbitrary<number>) => fc.oneof(
  arb,
  fc.record({ op: fc.constantFrom('$is', '$isNot', '$gt', '$ge', '$lt', '$le'), v: arb }).map(({ op, v }) => ({ [op]: v })),
  fc.tuple(arb, arb).map(([a, b]) => ({ $ge: Math.min(a, b), $lt: Math.max(a, b) })),
  fc.array(arb, { minLength: 1, maxLength: 3 }),
);
const dateOps = fc.record({ op: fc.constantFrom('$is', '$isNot', '$gt', '$ge', '$lt', '$le'), v: date }).map(({ op, v }) => ({ [op]: v }));
const elementPred = fc.oneof(
  fc.constantFrom(...TAGS),
  fc.record({ op: fc.constantFrom('$contains', '$iContains', '$startsWith', '$pattern', '$isNot'), v: fc.constantFrom(...TAGS, 'X', '?') }).map(({ op, v }) => ({ [op]: v })),
);
const tagOps = fc.oneof(
  fc.constantFrom(...TAGS),
  fc.record({ op: fc.constantFrom('$includes', '$includesAny', '$includesAll', '$includesNone'), p: elementPred }).map(({ op, p }) => ({ [op]: p })),
);
const leaf = fc.oneof(
  textOps.map((p) => ({ s: p })),
  numberOps(int).map((p) => ({ n: p })),
  numberOps(float).map((p) => ({ f: p })),
  fc.boolean().map((v) => ({ b: v })),
  fc.boolean().map((v) => ({ b: { $isNot: v } })),
  dateOps.map((p) => ({ d: p })),
  tagOps.map((p) => ({ tags: p })),
  fc.constantFrom('s', 'n', 'f', 'b', 'd', 'tags').chain((c) => fc.constantFrom({ $exists: c }, { $notExists: c })),
);
const filterArb: fc.Arbitrary<Record<string, unknown>> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ op: fc.constantFrom('$all', '$any', '$none', '$not'), list: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }).map(({ op, list }) => ({ [op]: list })),
    tie('node').map((f) => ({ $not: f })),
  ),
})).node as fc.Arbitrary<Record<string, unknown>>;
const sortArb = fc.array(fc.record({ c: fc.constantFrom('s', 'n', 'f', 'b', 'd'), dir: fc.constantFrom('asc', 'desc') }), { minLength: 1, maxLength: 3 })
  .map((keys) => keys.map(({ c, dir }) => ({ [c]: dir })));

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
