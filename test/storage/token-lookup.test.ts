import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { openStrata } from '../../src/open-strata.js';

/**
 * The token lookup runs on every request and may be served from memory (SQLite), but a change
 * committed by anyone else — another process such as the CLI, another node — counts at once.
 */
describeEachEngine('storage: token lookups see outside changes immediately', (engine) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => { while (cleanups.length) await cleanups.pop()!(); });

  async function setup() {
    const { config, cleanup } = await engine.provision();
    const strata = await openStrata(config);
    cleanups.push(cleanup, () => strata.close());
    const account = await strata.accounts.create({ email: 'a@b.co', password: 'password-1' });
    const { secret, token } = await strata.tokens.create(account, { name: 't' });
    // Another process's connection to the same storage.
    const outside = async (statement: string, params: unknown[]) => {
      if (config.databaseUrl) {
        const client = new pg.Client({ connectionString: config.databaseUrl });
        await client.connect();
        try { await client.query(statement.replaceAll('?', (() => { let i = 0; return () => `$${++i}`; })()), params); } finally { await client.end(); }
      } else {
        const db = new Database(path.join(config.dataDir, 'strata.db'));
        try { db.prepare(statement).run(...params); } finally { db.close(); }
      }
    };
    const table = config.databaseUrl ? 'strata.tokens' : 'tokens';
    return { strata, secret, token, outside, table };
  }

  it('a token revoked by another process is refused on the next request', async () => {
    const { strata, secret, token, outside, table } = await setup();
    for (let i = 0; i < 3; i++) expect(await strata.tokens.authenticate(secret)).toMatchObject({ token: { id: token.id } });
    await outside(`UPDATE ${table} SET revoked_at = ? WHERE id = ?`, [new Date().toISOString(), token.id]);
    expect(await strata.tokens.authenticate(secret)).toBeUndefined();
  });

  it('a token deleted or narrowed by another process changes the next lookup', async () => {
    const { strata, secret, token, outside, table } = await setup();
    expect((await strata.tokens.authenticate(secret))!.scopes).toBe(0xffff);
    await outside(`UPDATE ${table} SET scopes = ? WHERE id = ?`, [1, token.id]);
    expect((await strata.tokens.authenticate(secret))!.scopes).toBe(1);
    await outside(`DELETE FROM ${table} WHERE id = ?`, [token.id]);
    expect(await strata.tokens.authenticate(secret)).toBeUndefined();
  });

  it('an expired token is refused without any write, from memory or not', async () => {
    const { strata, secret, token, outside, table } = await setup();
    const soon = Date.now() + 60_000;
    await outside(`UPDATE ${table} SET expires_at = ? WHERE id = ?`, [new Date(soon).toISOString(), token.id]);
    expect(await strata.tokens.authenticate(secret, soon - 1)).toBeDefined();
    expect(await strata.tokens.authenticate(secret, soon)).toBeUndefined();
  });
});
