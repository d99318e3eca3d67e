import type { Readable } from 'node:stream';
import { StrataError } from '../../kernel/errors.js';
import type { SystemRow, SystemTableName } from '../ports/archive-store.js';
import type { Storage } from '../ports/storage.js';
import type { Strata } from '../strata.js';
import { assertTableName } from '../names.js';
import { validateColumn } from '../schema/column-definition.js';
import { isBodyLine, readArchive, verifyArchive } from './archive-reader.js';
import { LAST_BACKUP_SETTING, type BodyLine, type HeaderLine, type TrailerLine } from './archive-format.js';
import { BranchApplier, notEmpty, type Applier } from './branch-applier.js';
import { DatabaseApplier } from './database-applier.js';
export interface RestoreOptions {
  /** Replace what the target holds instead of refusing a non-empty one. */
  force?: boolean;
  /** A workspace archive: the workspace to restore into (default: the archived name, created when missing). */
  into?: string;
  /** Only the schema (tables, migrations), even when the archive holds records. */
  schemaOnly?: boolean;
  /** A workspace archive: restore only its branch `from` (default: its first, main in a workspace export), into the existing, empty branch `to` (import-schema). */
  branchMap?: { from?: string; to: string };
  /** Refuse an instance archive (the Metadata API imports workspaces only). */
  databaseOnly?: boolean;
  /** Only check the archive (checksum, scope). */
  dryRun?: boolean;
  /** Each body line applied (progress). */
  progress?: (applied: number, total: number) => void;
}

export interface RestoreResult { header: HeaderLine; trailer: TrailerLine; database?: string }


/**
 * Restores an archive. It is read twice: once whole, to check its checksum before anything is
 * written, then to apply it line by line. A failure while applying removes what it wrote, so
 * the target is left as it was (empty). The change log starts afresh: streams resume from 0.
 */
export async function restoreArchive(strata: Strata, open: () => Readable, opts: RestoreOptions = {}): Promise<RestoreResult> {
  const { header, trailer } = await verifyArchive(open, checkSchemaLine);
  const total = trailer.lines - 1;
  if (header.scope.kind === 'instance' && opts.databaseOnly) throw new StrataError('BAD_REQUEST', 'this archive holds a whole instance (strata backup): import a workspace export', { param: 'file' });
  if (opts.dryRun) return { header, trailer };
  if (header.scope.kind === 'instance') {
    if (opts.into) throw new StrataError('BAD_REQUEST', 'this archive holds a whole instance, not one workspace');
    await prepareInstance(strata.storage, opts.force === true);
    const applier = new InstanceApplier(strata.storage);
    try {
      await apply(open, applier, total, opts);
    } catch (err) {
      await wipeInstance(strata.storage).catch(() => undefined);
      throw err;
    } finally {
      await strata.storage.publishInvalidation('all');
    }
    return { header, trailer };
  }
  const name = opts.into ?? header.scope.name;
  const applier = await DatabaseApplier.prepare(strata, name, opts.force === true, opts.schemaOnly === true || header.scope.content === 'schema', opts.branchMap);
  try {
    await apply(open, applier, total, opts);
    if (!opts.branchMap && header.xanoBranches) await applier.restoreXanoBranches(header.xanoBranches);
  } catch (err) {
    await applier.undo().catch(() => undefined);
    throw err;
  } finally {
    await strata.storage.publishInvalidation('all');
  }
  return { header, trailer, database: name };
}

/**
 * A schema line's tables are checked as a client's would be (names, column definitions), in
 * the first reading: an archive is a file anyone with import rights can write.
 */
function checkSchemaLine(line: BodyLine): void {
  if (line.t !== 'schema') return;
  const refuse = (why: string) => new StrataError('BAD_REQUEST', `not a valid Strata archive: ${why}`, { param: 'file' });
  if (!Array.isArray(line.tables) || typeof line.nextIds !== 'object' || line.nextIds === null) throw refuse('a schema line without tables');
  const names = new Set(line.tables.map((t) => t?.name));
  for (const t of line.tables) {
    if (typeof t !== 'object' || t === null || !Number.isSafeInteger(t.id) || (t.idKind !== 'string' && t.idKind !== 'int') || !Array.isArray(t.columns) || typeof t.createdAt !== 'string') {
      throw refuse('a table of a schema line is malformed');
    }
    try {
      assertTableName(t.name);
      for (const column of t.columns) validateColumn(column, '', (name) => names.has(name));
    } catch (err) {
      throw refuse(`table [${String(t.name)}]: ${(err as Error).message}`);
    }
  }
  for (const next of Object.values(line.nextIds)) if (!Number.isSafeInteger(next) || (next as number) < 1) throw refuse('a next id is not a positive integer');
}

async function apply(open: () => Readable, applier: Applier, total: number, opts: RestoreOptions): Promise<void> {
  let applied = 0;
  for await (const line of readArchive(open())) {
    if (!isBodyLine(line)) continue;
    await applier.line(line);
    applied++;
    if (applied % 100 === 0 || applied === total) opts.progress?.(applied, total);
  }
  await applier.end();
}

async function prepareInstance(storage: Storage, force: boolean): Promise<void> {
  const databases = await storage.system.listDatabases();
  const accounts = await storage.system.countAccounts();
  if (databases.length === 0 && accounts === 0) return;
  if (!force) throw notEmpty(`the target instance (${databases.length} databases, ${accounts} accounts)`);
  await wipeInstance(storage);
}

/** Everything goes: every branch's storage, every blob, every row of the instance's tables. */
async function wipeInstance(storage: Storage): Promise<void> {
  for (const database of await storage.system.listDatabases()) {
    for (const branch of await storage.system.listBranches(database.id)) await storage.dropBranchStorage(branch.id);
  }
  const keys: string[] = [];
  for await (const blob of storage.blobs.list()) keys.push(blob.key);
  for (let i = 0; i < keys.length; i += 1000) await storage.blobs.delete(keys.slice(i, i + 1000));
  await storage.archive.clearSystemRows();
}

/** A whole instance into an empty one: ids kept, blobs under their own keys. */
class InstanceApplier extends BranchApplier {
  protected branchId(archived: number): number { return archived; }
  protected async system(table: SystemTableName, row: SystemRow): Promise<void> {
    if (table === 'settings' && row.key === LAST_BACKUP_SETTING) return;
    await this.storage.archive.insertSystemRows(table, [row]);
    if (table === 'branches') await this.storage.createBranchStorage(Number(row.id));
  }
}
