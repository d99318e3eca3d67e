import { afterAll, beforeAll } from 'vitest';
import type { EngineUnderTest } from '../support/engines.js';
import type { Row } from '../support/filter-eval.js';
import { FieldPaths } from '../../src/core/query/field-paths.js';
import { BranchSchema, type TableModel } from '../../src/kernel/model/table-model.js';
import type { Filter } from '../../src/kernel/plans/filter-ast.js';
import type { SortKey } from '../../src/kernel/plans/select-plan.js';
import type { BranchStore } from '../../src/core/ports/storage.js';
import { migrate, newBranch, openEngine, tableOf, valuesOf, type OpenedStorage } from './fixtures.js';

/**
 * The property tests' table on one engine (registered with the suite's beforeAll/afterAll):
 * columns s string, n int, f float, b bool, d datetime, tags multiple, j json; each property run
 * replaces its rows, then compares the engine's SELECT with the in-memory evaluator.
 */
export interface PropertyTable {
  paths(): FieldPaths;
  /** The table's model (its memo holds the compiled selects). */
  table(): TableModel;
  /** Replaces the table's rows (logical values: datetimes as epoch ms). */
  load(rows: Row[]): Promise<void>;
  /** Ids the engine selects, in the given order (by id when none is given). */
  selectIds(where: Filter | undefined, orderBy?: SortKey[]): Promise<string[]>;
}

const BY_ID: SortKey[] = [{ field: { tableAlias: 't0', column: 'id' }, direction: 'asc' }];

export function usePropertyTable(engine: EngineUnderTest): PropertyTable {
  let opened: OpenedStorage;
  let store: BranchStore;
  let table: TableModel;
  let schema: BranchSchema;

  beforeAll(async () => {
    opened = await openEngine(engine);
    store = (await newBranch(opened.storage)).store;
    const columns = [['s', 'string'], ['n', 'int'], ['f', 'float'], ['b', 'bool'], ['d', 'datetime'], ['tags', 'multiple'], ['j', 'json']] as const;
    await migrate(store, [{ addTable: { table: 't' } }, ...columns.map(([name, type]) => ({ addColumn: { table: 't', column: { name, type } } }))]);
    table = await tableOf(store, 't');
    schema = new BranchSchema([table.toRecord()], '');
  });
  afterAll(async () => { await opened?.close(); });

  const idField = { tableAlias: 't0', column: 'id' as const };
  return {
    paths: () => new FieldPaths(schema, table),
    table: () => table,
    async load(rows) {
      await store.transaction(async (tx) => {
        for (const [id] of await tx.select({ table, joins: [], fields: [idField] })) await tx.deleteRecord(table, id as string);
        for (const row of rows) await tx.insertRecord(table, row.id, valuesOf(table, row.values), 1);
      });
    },
    async selectIds(where, orderBy = BY_ID) {
      return (await store.select({ table, joins: [], fields: [idField], where, orderBy })).map((r) => r[0] as string);
    },
  };
}
