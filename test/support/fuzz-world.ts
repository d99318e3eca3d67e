import { expect } from 'vitest';
import { parseScopes, READ_ONLY } from '../../src/core/auth/scopes.js';
import type { RunningStrata } from './strata-server.js';

/**
 * The instance the security fuzzer attacks: three workspaces with records, and the actors
 * that attack them, each with a clear set of rights.
 *
 * - `victim`: nobody fuzzing is a member (a bystander edits it).
 * - `shared`: the viewer's workspace (role viewer: reads only).
 * - `0x<victim id in hex>` and `<victim id>e0`: the attacker's own workspaces, named like
 *   the victim's id in other spellings. The attacker is their admin with every permission except
 *   database:delete, so that the run cannot delete the workspaces it attacks from, nor (as
 *   member management needs every permission) change anyone's memberships.
 *
 * Actors: `outsider` (a member of nothing), `viewer`, `attacker`. Everything but the
 * attacker's own workspaces must come out of a run unchanged.
 */
export type WorkspaceKey = 'victim' | 'shared' | 'own' | 'ownE';
export type ActorName = 'outsider' | 'viewer' | 'attacker';

export interface FuzzWorkspace { key: WorkspaceKey; id: number; name: string; tableIds: number[]; contentIds: number[] }
export interface FuzzActor {
  name: ActorName;
  token: string;
  tokenId: string;
  accountId: string;
  email: string;
  /** The permission mask in each workspace the actor belongs to. */
  masks: Partial<Record<WorkspaceKey, number>>;
}
export interface FuzzWorld {
  workspaces: Record<WorkspaceKey, FuzzWorkspace>;
  actors: FuzzActor[];
  /** Accounts and tokens to aim at (the actors' own among them), by whose they are. */
  accounts: Array<{ owner: ActorName | 'owner' | 'bystander'; id: string; email: string }>;
  tokens: Array<{ owner: ActorName | 'owner' | 'bystander'; id: string }>;
  /** Column names of the tables (record and schema paths). */
  columns: string[];
}

/** The attacker's permissions in its own workspace: everything but database:delete. */
export const ATTACKER_PERMISSIONS = 'content:crud,database:cru,files:crud,history:crud';

const SCHEMA = [
  { name: 'id', type: 'int' },
  { name: 'created_at', type: 'timestamp', default: 'now' },
  { name: 'name', type: 'text', required: true },
  { name: 'price', type: 'decimal' },
  { name: 'status', type: 'enum', values: ['draft', 'live'], default: 'draft' },
  { name: 'secret', type: 'password' },
  { name: 'tags', type: 'text', style: 'list' },
];

async function ok(s: RunningStrata, method: string, path: string, body?: unknown): Promise<any> {
  const res = await s.request(method, path, body);
  expect(res.status, `${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`).toBeLessThan(300);
  return res.body;
}

async function workspace(s: RunningStrata, key: WorkspaceKey, name: string): Promise<FuzzWorkspace> {
  const id = (await ok(s, 'POST', '/api:meta/workspace', { name })).id as number;
  const table = (await ok(s, 'POST', `/api:meta/workspace/${id}/table`, { name: 'products', schema: SCHEMA })).id as number;
  const contentIds: number[] = [];
  for (const [i, product] of ['Lamp', 'Desk', 'Chair'].entries()) {
    contentIds.push((await ok(s, 'POST', `/api:meta/workspace/${id}/table/${table}/content`, { name: product, price: 10 * (i + 1), status: 'live', secret: 'hunter22', tags: ['a', 'b'] })).id);
  }
  // A data API table too: string ids, an object column.
  await ok(s, 'PUT', `/db/${name}:main/tables/notes`, { columns: [{ name: 'title', type: 'string' }, { name: 'score', type: 'int' }, { name: 'settings', type: 'object', columns: [{ name: 'plan', type: 'string' }] }] });
  await ok(s, 'PUT', `/db/${name}:main/tables/notes/data/n1`, { title: 'first', score: 1, settings: { plan: 'free' } });
  await ok(s, 'PUT', `/db/${name}:main/tables/notes/data/n2`, { title: 'second', score: 2 });
  const tableIds = (await ok(s, 'GET', `/api:meta/workspace/${id}/table`)).items.map((t: { id: number }) => t.id);
  return { key, id, name, tableIds, contentIds };
}

export async function buildWorld(s: RunningStrata): Promise<FuzzWorld> {
  const victim = await workspace(s, 'victim', 'victim');
  const shared = await workspace(s, 'shared', 'shared');
  const own = await workspace(s, 'own', `0x${victim.id.toString(16)}`);
  const ownE = await workspace(s, 'ownE', `${victim.id}e0`);
  const workspaces = { victim, shared, own, ownE };

  const person = async (name: string) => {
    const account = await s.strata.accounts.create({ email: `${name}@test.local`, password: 'password-1', name });
    const { token, secret } = await s.strata.tokens.create(account, { name: `${name}-fuzz`, expiresAt: null });
    return { accountId: account.id, email: account.email, token: secret, tokenId: token.id };
  };
  const member = (ws: FuzzWorkspace, accountId: string, role: string, permissions?: string) =>
    ok(s, 'PUT', `/api:meta/workspace/${ws.id}/member/${accountId}`, { role, ...(permissions ? { permissions } : {}) });

  const bystander = await person('bystander');
  await member(victim, bystander.accountId, 'editor');
  const actors: FuzzActor[] = [
    { name: 'outsider', ...await person('outsider'), masks: {} },
    { name: 'viewer', ...await person('viewer'), masks: { shared: READ_ONLY } },
    { name: 'attacker', ...await person('attacker'), masks: { own: parseScopes(ATTACKER_PERMISSIONS), ownE: parseScopes(ATTACKER_PERMISSIONS) } },
  ];
  await member(shared, actors[1]!.accountId, 'viewer');
  await member(own, actors[2]!.accountId, 'admin', ATTACKER_PERMISSIONS);
  await member(ownE, actors[2]!.accountId, 'admin', ATTACKER_PERMISSIONS);

  const me = await ok(s, 'GET', '/api:meta/auth/me');
  return {
    workspaces,
    actors,
    accounts: [
      { owner: 'owner', id: me.id as string, email: me.email as string }, { owner: 'bystander', id: bystander.accountId, email: bystander.email },
      ...actors.map((a) => ({ owner: a.name, id: a.accountId, email: a.email })),
    ],
    tokens: [
      { owner: 'owner', id: me.extras.token.id }, { owner: 'bystander', id: bystander.tokenId },
      ...actors.map((a) => ({ owner: a.name, id: a.tokenId })),
    ],
    columns: [...SCHEMA.map((c) => c.name), 'title', 'score', 'settings', 'settings.plan'],
  };
}

/**
 * What must not change: the victim's and the shared workspace's schema, records, indexes,
 * data sources, files and settings; every workspace's members; the accounts; the owner's
 * and the bystander's tokens. Read with the owner's token.
 */
export async function snapshot(s: RunningStrata, world: FuzzWorld): Promise<Record<string, unknown>> {
  const read = async (method: string, path: string, body?: unknown) => {
    const res = await s.request(method, path, body);
    return { status: res.status, body: res.body };
  };
  const out: Record<string, unknown> = {};
  for (const ws of [world.workspaces.victim, world.workspaces.shared]) {
    const meta = `/api:meta/workspace/${ws.id}`;
    out[`${ws.key} workspace`] = await read('GET', meta);
    out[`${ws.key} branch`] = await read('GET', `/db/${ws.name}:main`);
    out[`${ws.key} settings`] = await read('GET', `/dbs/${ws.name}/settings`);
    out[`${ws.key} datasources`] = await read('GET', `${meta}/datasource`);
    out[`${ws.key} files`] = await read('GET', `${meta}/file?per_page=1000`);
    out[`${ws.key} notes`] = await read('POST', `/db/${ws.name}:main/tables/notes/query`, { page: { size: 1000 } });
    const tables = await read('GET', `${meta}/table?per_page=1000`);
    out[`${ws.key} tables`] = tables;
    for (const table of (tables.body?.items ?? []) as Array<{ id: number }>) {
      out[`${ws.key} table ${table.id} schema`] = await read('GET', `${meta}/table/${table.id}/schema`);
      out[`${ws.key} table ${table.id} index`] = await read('GET', `${meta}/table/${table.id}/index`);
      out[`${ws.key} table ${table.id} content`] = await read('GET', `${meta}/table/${table.id}/content?per_page=10000`);
    }
  }
  for (const ws of Object.values(world.workspaces)) out[`${ws.key} members`] = await read('GET', `/api:meta/workspace/${ws.id}/member`);
  out.workspaces = ((await read('GET', '/api:meta/workspace')).body as Array<{ id: number; name: string }>).map((w) => `${w.id}:${w.name}`);
  out.accounts = await read('GET', '/api:meta/account');
  for (const holder of world.accounts.filter((a) => a.owner === 'owner' || a.owner === 'bystander')) {
    const tokens = await s.strata.storage.system.listTokens(holder.id);
    out[`${holder.owner} tokens`] = tokens.map((t) => `${t.id}:${t.name}:${t.scopes}:${t.expiresAt}:${t.revokedAt}`).sort();
  }
  return out;
}
