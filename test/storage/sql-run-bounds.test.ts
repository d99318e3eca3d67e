import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { postgresEngine, sqliteEngine, type EngineUnderTest } from '../support/engines.js';
import { migrate, newBranch, openEngine, schemaOf, type OpenedStorage } from './fixtures.js';
import { parseStatement } from '../../src/kernel/sql/sql-parse.js';
import { analyseStatement } from '../../src/core/sql/sql-analysis.js';
import type { BranchStore } from '../../src/core/ports/storage.js';

/**
 * The bounds a SQL read runs under, at the storage port: the row limit on both engines, and on
 * PostgreSQL the statement's time limit, which the read's setup sets LOCAL to its transaction
 * (so it ends with it and never reaches the next user of the pooled connection).
 */
function suite(engine: EngineUnderTest, withTimeLimit: boolean) {
  let opened: OpenedStorage;
  let store: BranchStore;
  const read = async (text: string, bounds: { maxRows: number; timeoutMs: number }) => {
    const schema = await schemaOf(store);
    return store.runSql({ select: analyseStatement(await parseStatement(text), schema, []).root, params: [], schema, ...bounds });
  };

  beforeAll(async () => {
    opened = await openEngine(engine);
    store = (await newBranch(opened.storage)).store;
    await migrate(store, [{ addTable: { table: 'n' } }, { addColumn: { table: 'n', column: { name: 'v', type: 'int' } } }]);
    await store.transaction(async (tx) => {
      const schema = await schemaOf(tx);
      const table = schema.tables.get('n')!;
      const leaf = table.leaf('v')!;
      for (let i = 0; i < 300; i++) await tx.insertRecord(table, `r${i}`, new Map([[leaf, i]]), Date.now());
    });
  });
  afterAll(async () => { await opened?.close(); });

  it('cuts an answer at the row limit and says so', async () => {
    const rows = await read('SELECT id FROM n ORDER BY id', { maxRows: 7, timeoutMs: 10_000 });
    expect(rows.rows).toHaveLength(7);
    expect(rows.truncated).toBe(true);
    expect((await read('SELECT id FROM n', { maxRows: 300, timeoutMs: 10_000 })).truncated).toBe(false);
  });

  if (withTimeLimit) it('cancels a statement past its time limit with a 400, and the limit ends with the read', async () => {
    const slow = 'SELECT count(*) AS c FROM n a, n b, n c, n d';
    await expect(read(slow, { maxRows: 10, timeoutMs: 50 })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/time limit \(statement_timeout\)/) });
    // Every pooled connection afterwards runs with its own setting, not the 50 ms one.
    const answers = await Promise.all(Array.from({ length: 12 }, () => read('SELECT count(*) AS c FROM n a, n b', { maxRows: 10, timeoutMs: 10_000 })));
    for (const a of answers) expect(a.rows).toEqual([[90_000]]);
  });
}

// SQLite cannot interrupt a statement from here (its time bound is the row bound, documented).
describe('[sqlite] SQL reads: the row bound', () => suite(sqliteEngine, false));
describe.skipIf(!inject('postgresAvailable'))('[postgres] SQL reads: row and time bounds', () => suite(postgresEngine, true));
