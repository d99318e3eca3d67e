import type { Writable } from 'node:stream';
import { StrataError } from '../../kernel/errors.js';
import { TableModel } from '../../kernel/model/table-model.js';
import { ARCHIVED_SYSTEM_TABLES, type StorageSnapshot, type SystemTableName } from '../ports/archive-store.js';
import type { Storage } from '../ports/storage.js';
import { blobKeysOf, fileLeaves } from '../files/file-write.js';
import { ArchiveWriter } from './archive-writer.js';
import { BLOB_PART_BYTES, RECORDS_PER_LINE, type ArchivedXanoBranches, type ArchiveScope, type TrailerLine } from './archive-format.js';
import { labelOf, workspaceDocKey, type WorkspaceDoc } from '../workspaces.js';
import { DEFAULT_BRANCH } from '../xano-branches.js';

/** What a backup reports as it goes (the CLI's progress bar; nothing for the HTTP export). */
export interface ArchiveProgress {
  start?(totalRecords: number): void;
  records?(done: number): void;
}

/** What to archive: `branches` (Strata branch names) keeps a workspace archive to those branches. */
export interface ArchiveOptions { branches?: string[]; progress?: ArchiveProgress }

/** The tables of a workspace's archive: no accounts, tokens, members or instance settings. */
const WORKSPACE_TABLES: SystemTableName[] = ['databases', 'branches', 'workspace_files'];
const ACCESS_TABLES: ReadonlySet<SystemTableName> = new Set(['accounts', 'tokens', 'members']);

function systemTablesOf(scope: ArchiveScope): readonly SystemTableName[] {
  if (scope.kind === 'database') return WORKSPACE_TABLES;
  return scope.withoutAccess ? ARCHIVED_SYSTEM_TABLES.filter((t) => !ACCESS_TABLES.has(t)) : ARCHIVED_SYSTEM_TABLES;
}

/**
 * Writes an archive of the instance or of one workspace to `out`, from one snapshot (the
 * server goes on writing meanwhile). On failure the stream ends without a trailer, which
 * every reader refuses.
 */
export async function writeArchive(storage: Storage, scope: ArchiveScope, out: Writable, opts: ArchiveOptions = {}): Promise<TrailerLine> {
  const snapshot = await storage.archive.openSnapshot();
  let writer: ArchiveWriter | undefined;
  try {
    let databaseId: number | undefined;
    if (scope.kind === 'database') {
      const database = (await snapshot.systemRows('databases')).find((d) => d.name === scope.name);
      if (!database) throw new StrataError('NOT_FOUND', `database [${scope.name}] not found`);
      databaseId = Number(database.id);
    }
    const xanoBranches = databaseId === undefined ? undefined : await archivedXanoBranches(snapshot, databaseId, opts.branches);
    writer = new ArchiveWriter(out, storage.engine, scope, xanoBranches ? { xanoBranches } : {});
    await writeBody(snapshot, scope, databaseId, writer, opts);
    return await writer.finish();
  } catch (err) {
    // Without a writer nothing was written: the caller's stream is its own to end.
    writer?.abort();
    throw err;
  } finally {
    await snapshot.close();
  }
}

/**
 * The workspace's Xano branches (labels, colours, which is live: an instance setting, not a
 * workspace row) among the branches archived, from the same snapshot, for the header.
 */
async function archivedXanoBranches(snapshot: StorageSnapshot, databaseId: number, only: string[] | undefined): Promise<ArchivedXanoBranches> {
  const key = workspaceDocKey(databaseId);
  const row = (await snapshot.systemRows('settings')).find((r) => r.key === key);
  const doc = (row?.value ? JSON.parse(String(row.value)) : {}) as WorkspaceDoc;
  const names = new Set((await snapshot.systemRows('branches', databaseId)).map((r) => String(r.name)).filter((n) => !only || only.includes(n)));
  const branches = Object.fromEntries(Object.entries(doc.branches ?? {}).filter(([, entry]) => names.has(entry.branch)));
  const live = doc.live !== undefined && doc.branches?.[doc.live] ? doc.live : DEFAULT_BRANCH;
  const held = live === DEFAULT_BRANCH ? names.has('main') : branches[live] !== undefined;
  const sources = new Set([...names].map(labelOf));
  const dataSourceColors = Object.fromEntries(Object.entries(doc.colors ?? {}).filter(([label]) => sources.has(label)));
  return { ...(held ? { live } : {}), branches, ...(Object.keys(dataSourceColors).length ? { dataSourceColors } : {}) };
}

async function writeBody(snapshot: StorageSnapshot, scope: ArchiveScope, databaseId: number | undefined, writer: ArchiveWriter, opts: ArchiveOptions): Promise<void> {
  const counts = writer.counts;
  const content = scope.kind === 'instance' || scope.content === 'full';
  const branches: Array<{ id: number; databaseId: number }> = [];
  const blobs = new Map<string, number | null>();
  // Without access, settings that name an account (the first-owner claim, a pending first-run
  // setup) go too: a restored instance must hand ownership to the account made at its first start.
  const leftOut = scope.kind === 'instance' && scope.withoutAccess
    ? new Set((await snapshot.systemRows('accounts')).map((a) => JSON.stringify(a.id))) : undefined;
  for (const table of systemTablesOf(scope)) {
    if (table === 'workspace_files' && !content) continue;
    for (const row of await snapshot.systemRows(table, databaseId)) {
      if (table === 'settings' && leftOut?.has(String(row.value))) continue;
      if (table === 'branches') {
        if (opts.branches && !opts.branches.includes(String(row.name))) continue;
        branches.push({ id: Number(row.id), databaseId: Number(row.database_id) });
      }
      if (table === 'workspace_files') blobs.set(String(row.blob_key), Number(row.database_id));
      await writer.write({ t: 'system', table, row });
      counts.system++;
    }
  }
  if (opts.branches && branches.length === 0) throw new StrataError('NOT_FOUND', `branch [${opts.branches.join(', ')}] not found`);

  const readers = await Promise.all(branches.map(async (b) => ({ ...b, snap: await snapshot.branch(b.id) })));
  const schemas = await Promise.all(readers.map(async (r) => (await r.snap.tables()).map((t) => new TableModel(t))));
  if (content && opts.progress?.start) {
    let total = 0;
    for (let i = 0; i < readers.length; i++) for (const t of schemas[i]!) total += await readers[i]!.snap.countRecords(t);
    opts.progress.start(total);
  }
  for (let i = 0; i < readers.length; i++) {
    const { id, databaseId: owner, snap } = readers[i]!;
    const tables = schemas[i]!;
    const nextIds: Record<string, number> = {};
    for (const t of tables) if (t.idKind === 'int') nextIds[t.name] = await snap.nextId(t);
    await writer.write({ t: 'schema', branch: id, tables: (await snap.tables()), nextIds });
    counts.tables += tables.length;
    for (const row of await snap.migrations()) {
      await writer.write({ t: 'migration', branch: id, row });
      counts.migrations++;
    }
    if (!content) continue;
    for (const table of tables) {
      const files = fileLeaves(table).map((l) => l.path);
      let after: string | number | undefined;
      for (;;) {
        const rows = await snap.records(table, after, RECORDS_PER_LINE);
        if (rows.length === 0) break;
        for (const row of rows) for (const path of files) for (const key of blobKeysOf(row.values[path])) blobs.set(key, owner);
        await writer.write({ t: 'records', branch: id, table: table.name, rows });
        counts.records += rows.length;
        opts.progress?.records?.(counts.records);
        if (rows.length < RECORDS_PER_LINE) break;
        after = rows[rows.length - 1]!.id;
      }
    }
  }
  for (const [key, owner] of blobs) await writeBlob(snapshot, writer, key, owner);
}

/** A blob as base64 parts of BLOB_PART_BYTES, whatever sizes the store's chunks have. */
async function writeBlob(snapshot: StorageSnapshot, writer: ArchiveWriter, key: string, owner: number | null): Promise<void> {
  const bytes = await snapshot.blob(key);
  if (!bytes) {
    writer.counts.missingBlobs++;
    return;
  }
  await writer.write({ t: 'blob', key, owner });
  let size = 0;
  let pending: Buffer[] = [];
  let pendingSize = 0;
  const flush = async (final: boolean) => {
    while (pendingSize >= BLOB_PART_BYTES || (final && pendingSize > 0)) {
      const all = Buffer.concat(pending);
      const part = all.subarray(0, BLOB_PART_BYTES);
      await writer.write({ t: 'blob-part', key, data: part.toString('base64') });
      const rest = all.subarray(part.length);
      pending = rest.length ? [rest] : [];
      pendingSize = rest.length;
    }
  };
  for await (const chunk of bytes) {
    pending.push(chunk);
    pendingSize += chunk.length;
    size += chunk.length;
    if (pendingSize >= BLOB_PART_BYTES) await flush(false);
  }
  await flush(true);
  await writer.write({ t: 'blob-end', key, size });
  writer.counts.blobs++;
  writer.counts.blobBytes += size;
}
