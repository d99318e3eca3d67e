import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler,
  SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler, sql,
} from 'kysely';
import { describeEachEngine } from '../support/engines.js';
import { usePropertyTable } from './property-table.js';
import { filterArb, sortArb } from './filter-arbitraries.js';
import { BranchSchema } from '../../src/kernel/model/table-model.js';
import { FieldPaths } from '../../src/core/query/field-paths.js';
import { parseXataFilter } from '../../src/core/query/xata-filter.js';
import { parseXataSort } from '../../src/core/query/xata-sort.js';
import type { SelectPlan } from '../../src/kernel/plans/select-plan.js';
import type { Filter } from '../../src/kernel/plans/filter-ast.js';
import { FilterSql } from '../../src/storage/filter-sql.js';
import { SELECT_SHAPES_KEPT, keptSelects, selectShape, selectSql } from '../../src/storage/select-sql.js';
import { LruCache } from '../../src/kernel/lru-cache.js';
import { sqliteDialect } from '../../src/storage/sqlite/sqlite-dialect.js';
import { postgresDialect } from '../../src/storage/postgres/postgres-dialect.js';

/**
 * Selects are compiled once per shape and re-bound (storage/select-sql.ts). The shape key must
 * capture everything the SQL text depends on, and `FilterSql.bind` must collect exactly the
 * parameters Kysely compiles, in order: checked here per dialect without a database, then on
 * the engines (bounded memo, right rows from re-bound and evicted shapes).
 */
const COLUMNS = [['s', 'string'], ['n', 'int'], ['f', 'float'], ['b', 'bool'], ['d', 'datetime'], ['tags', 'multiple'], ['j', 'json']] as const;
const schema = new BranchSchema([{ id: 1, name: 't', idKind: 'string', createdAt: '2026-01-01T00:00:00.000Z', columns: COLUMNS.map(([name, type]) => ({ name, type })) }], '');
const table = schema.tables.get('t')!;
const paths = () => new FieldPaths(schema, table);

const compilers = {
  sqlite: { dialect: sqliteDialect, db: new Kysely<any>({ dialect: { createAdapter: () => new SqliteAdapter(), createDriver: () => new DummyDriver(), createIntrospector: (db) => new SqliteIntrospector(db), createQueryCompiler: () => new SqliteQueryCompiler() } }) },
  postgres: { dialect: postgresDialect, db: new Kysely<any>({ dialect: { createAdapter: () => new PostgresAdapter(), createDriver: () => new DummyDriver(), createIntrospector: (db) => new PostgresIntrospector(db), createQueryCompiler: () => new PostgresQueryCompiler() } }) },
};

function planOf(filter: unknown, sort: unknown, limit?: number, offset?: number): SelectPlan {
  return {
    table, joins: [],
    fields: [{ tableAlias: 't0', column: 'id' }, ...table.leaves.map((leaf) => ({ tableAlias: 't0', column: leaf }))],
    where: filter === undefined ? undefined : parseXataFilter(filter, paths()),
    orderBy: sort === undefined ? undefined : parseXataSort(sort, paths()),
    limit, offset,
  };
}

for (const [name, { dialect, db }] of Object.entries(compilers)) {
  describe(`[${name}] select shapes`, () => {
    const filters = new FilterSql(dialect);
    const compile = (plan: SelectPlan) => {
      const params: unknown[] = [];
      const key = selectShape(plan, filters, params);
      const compiled = selectSql(plan, filters, (t) => sql.id(t)).compile(db);
      return { key, params, text: compiled.sql, compiledParams: compiled.parameters };
    };

    it('bind collects the compiled parameters in order, and one shape key means one SQL text', () => {
      const texts = new Map<string, string>();
      let repeats = 0;
      fc.assert(fc.property(fc.array(fc.tuple(fc.option(filterArb, { nil: undefined }), fc.option(sortArb, { nil: undefined }), fc.constantFrom(undefined, 1, 21), fc.constantFrom(undefined, 0, 40)), { minLength: 1, maxLength: 10 }), (plans) => {
        for (const [filter, sort, limit, offset] of plans) {
          const c = compile(planOf(filter, sort, limit, offset));
          expect(c.params, JSON.stringify(filter)).toEqual(c.compiledParams);
          const seen = texts.get(c.key);
          if (seen !== undefined) repeats++;
          expect(seen ?? c.text, `${c.key} ${JSON.stringify(filter)}`).toBe(c.text);
          texts.set(c.key, c.text);
        }
      }), { numRuns: 300 });
      expect(repeats).toBeGreaterThan(50); // the generated filters do share shapes
    });

    it('values that change the SQL text (integer bounds, impossible comparisons, filtered lists) change the shape', () => {
      const cases: Array<[unknown, unknown]> = [
        [{ n: { $gt: 2 } }, { n: { $gt: 2.5 } }], // > 2.5 on an int column is >= 3
        [{ n: 2 }, { n: 2.5 }], // = 2.5 never holds
        [{ n: { $ge: 1 } }, { n: { $ge: 1e300 } }], // beyond any stored integer
        [{ n: [1, 2] }, { n: [1, 2.5] }], // a fraction drops out of an int IN list
        [{ n: [1] }, { n: [1.5] }], // … leaving nothing
        [{ s: { $iContains: 'a' } }, { s: { $contains: 'a' } }],
        [{ s: ['a'] }, { s: ['a', 'b'] }],
      ];
      for (const [a, b] of cases) {
        const x = compile(planOf(a, undefined));
        const y = compile(planOf(b, undefined));
        expect(x.key, JSON.stringify([a, b])).not.toBe(y.key);
        expect(x.text).not.toBe(y.text);
      }
      // Only the values differ: one shape, one text, other parameters.
      const x = compile(planOf({ s: { $startsWith: 'a%' }, n: { $lt: 3 }, d: { $ge: '2020-01-01T00:00:00Z' } }, [{ n: 'desc' }], 21));
      const y = compile(planOf({ s: { $startsWith: 'zz' }, n: { $lt: -9 }, d: { $ge: '1999-01-01T00:00:00Z' } }, [{ n: 'desc' }], 21));
      expect(y.key).toBe(x.key);
      expect(y.text).toBe(x.text);
      expect(y.params).not.toEqual(x.params);
      // Never a value in the text.
      expect(x.text).not.toMatch(/a%|2020|zz/);
    });
  });
}

describe('LruCache', () => {
  it('keeps at most its capacity and evicts the least recently used entry', () => {
    const cache = new LruCache<string, number>(3);
    for (const [i, k] of ['a', 'b', 'c'].entries()) cache.set(k, i);
    expect(cache.get('a')).toBe(0); // a is now the most recent
    cache.set('d', 3);
    expect(cache.size).toBe(3);
    expect(cache.get('b')).toBeUndefined();
    expect([cache.get('a'), cache.get('c'), cache.get('d')]).toEqual([0, 2, 3]);
    cache.set('c', 9); // replacing does not grow it
    expect(cache.size).toBe(3);
    expect(cache.get('c')).toBe(9);
  });
});

describeEachEngine('memoised select shapes', (engine) => {
  const t = usePropertyTable(engine);

  it('stay bounded, and re-bound or evicted shapes select the right rows', async () => {
    await t.load(Array.from({ length: 20 }, (_, i) => ({ id: `r${String(i).padStart(2, '0')}`, values: { n: i % 10 } })));
    const expected = (v: number) => [`r${String(v).padStart(2, '0')}`, `r${String(v + 10).padStart(2, '0')}`];
    const list = (first: number, length: number, from: number) => [first, ...Array.from({ length: length - 1 }, (_, j) => from + j)];
    // Past a request's list limit (core/request-limits.ts), so built as the AST the parsers would make.
    const inList = (values: number[]): Filter => ({ kind: 'in', field: t.paths().resolve('n').ref, values });
    // Lists of 1..1100 values are 1100 shapes; each holds one value present in the table.
    const shapes = SELECT_SHAPES_KEPT + 100;
    for (let k = 1; k <= shapes; k++) {
      expect(await t.selectIds(inList(list(k % 10, k, 1000))), `list of ${k}`).toEqual(expected(k % 10));
    }
    expect(keptSelects()).toBe(SELECT_SHAPES_KEPT);
    // The first shapes were evicted: they compile again; a kept shape re-binds other values.
    expect(await t.selectIds(parseXataFilter({ n: [3] }, t.paths()))).toEqual(expected(3));
    expect(await t.selectIds(inList(list(7, shapes, 5000)))).toEqual(expected(7));
    expect(keptSelects()).toBe(SELECT_SHAPES_KEPT);
  });
});
