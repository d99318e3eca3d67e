import { PassThrough, type Readable } from 'node:stream';
import { StrataError } from '../../kernel/errors.js';
import { TableModel, type TableRecord } from '../../kernel/model/table-model.js';
import { newBlobKey } from '../ports/blob-store.js';
import type { ArchivedRecord, SystemRow, SystemTableName } from '../ports/archive-store.js';
import type { BranchStore, Storage } from '../ports/storage.js';
import type { Strata } from '../strata.js';
import { fileLeaves } from '../files/file-write.js';
import { assertTableName } from '../names.js';
import { validateColumn } from '../schema/column-definition.js';
import { isLibraryRef, libraryFileLeaves } from '../files/library-refs.js';
import { isBodyLine, readArchive, verifyArchive } from './archive-reader.js';
import { LAST_BACKUP_SETTING, type ArchivedXanoBranches, type BodyLine, type HeaderLine, type TrailerLine } from './archive-format.js';
import { labelOf, workspaceDocKey, type WorkspaceDoc, type XanoBranchEntry } from '../workspaces.js';
import { DEFAULT_BRANCH } from '../xano-branches.js';

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

const notEmpty = (what: string) => new StrataError('CONFLICT', `${what} is not empty: an archive is restored only into an empty one (strata restore --force replaces it)`, { param: 'file' });

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

interface Applier {
  line(line: BodyLine): Promise<void>;
  end(): Promise<void>;
}

/** What both appliers share: a branch's tables, its migrations and records, blobs streamed into the store. */
abstract class BranchApplier implements Applier {
  protected readonly models = new Map<number, Map<string, TableModel>>();
  private blob: { pass: PassThrough; done: Promise<unknown> } | undefined;
  /** Blobs this restore wrote (undone on failure). */
  protected readonly written: string[] = [];

  constructor(protected readonly storage: Storage) {}

  /** The target branch of an archived branch id (undefined: the branch is not restored). */
  protected abstract branchId(archived: number): number | undefined;
  protected abstract system(table: SystemTableName, row: SystemRow): Promise<void>;
  protected blobKey(archived: string): string { return archived; }
  protected blobOwner(archived: number | null): number | undefined { return archived ?? undefined; }
  protected skipRecords = false;
  /** Whether blobs get new keys (blobKey), so file values must be rewritten. */
  protected rekeys = false;

  async line(line: BodyLine): Promise<void> {
    if ((line.t === 'schema' || line.t === 'migration' || line.t === 'records') && this.branchId(line.branch) === undefined) return;
    switch (line.t) {
      case 'system': return this.system(line.table, line.row);
      case 'schema': {
        const models = new Map(line.tables.map((t) => [t.name, new TableModel(t)]));
        this.models.set(line.branch, models);
        await (await this.storage.branch(this.branchId(line.branch)!)).transaction(async (tx) => {
          for (const record of line.tables) await createArchivedTable(tx, record, models);
          for (const [name, next] of Object.entries(line.nextIds)) {
            const model = models.get(name);
            if (model) await tx.setNextId(model, next);
          }
        });
        return;
      }
      case 'migration':
        await (await this.storage.branch(this.branchId(line.branch)!)).transaction((tx) => tx.insertMigration(line.row));
        return;
      case 'records': {
        if (this.skipRecords) return;
        const table = this.models.get(line.branch)?.get(line.table);
        if (!table) throw new StrataError('BAD_REQUEST', `not a valid Strata archive: records of table [${line.table}] come before its schema`);
        const rows = this.rewriteFiles(table, line.rows);
        await (await this.storage.branch(this.branchId(line.branch)!)).transaction((tx) => tx.insertArchivedRecords(table, rows));
        return;
      }
      case 'blob': {
        if (this.skipRecords) return;
        const key = this.blobKey(line.key);
        const pass = new PassThrough();
        this.blob = { pass, done: this.storage.blobs.put(key, pass, Number.MAX_SAFE_INTEGER, this.blobOwner(line.owner)) };
        this.written.push(key);
        return;
      }
      case 'blob-part':
        if (this.blob && !this.blob.pass.write(Buffer.from(line.data, 'base64'))) await new Promise((resolve) => this.blob!.pass.once('drain', resolve));
        return;
      case 'blob-end':
        if (!this.blob) return;
        this.blob.pass.end();
        await this.blob.done;
        this.blob = undefined;
        return;
    }
  }

  protected async checkEnd(): Promise<void> {}

  /**
   * File values name their blob by key, and Xano's media columns a library file by id: a
   * restore under new keys and ids rewrites them.
   */
  private rewriteFiles(table: TableModel, rows: ArchivedRecord[]): ArchivedRecord[] {
    if (!this.rekeys) return rows;
    const files = new Set(fileLeaves(table).map((l) => l.path));
    const library = new Set(libraryFileLeaves(table).map((l) => l.path));
    if (files.size === 0 && library.size === 0) return rows;
    const rekey = (file: unknown) => (file && typeof file === 'object' && typeof (file as { key?: unknown }).key === 'string' ? { ...file, key: this.blobKey((file as { key: string }).key) } : file);
    const relink = (file: unknown) => (isLibraryRef(file) && this.libraryId(file.id) !== undefined ? { ...file, id: this.libraryId(file.id)! } : file);
    return rows.map((row) => {
      const values = { ...row.values };
      for (const [path, v] of Object.entries(values)) {
        const fix = files.has(path) ? rekey : library.has(path) ? relink : undefined;
        if (fix) values[path] = Array.isArray(v) ? v.map(fix) : fix(v);
      }
      return { ...row, values };
    });
  }

  /** The new id of an archived library file (workspace imports). */
  protected libraryId(_archived: number): number | undefined { return undefined; }

  async end(): Promise<void> {
    await this.checkEnd();
    if (this.blob) throw new StrataError('BAD_REQUEST', 'not a valid Strata archive: a file ends without its blob-end line');
  }
}

/** Tables as they were: DDL, catalog record (Xano metadata, search settings), then the Metadata API's indexes. */
async function createArchivedTable(tx: Parameters<Parameters<BranchStore['transaction']>[0]>[0], record: TableRecord, models: Map<string, TableModel>): Promise<void> {
  const model = models.get(record.name)!;
  const links = new Map<string, TableModel>();
  for (const leaf of model.leaves) {
    if (!leaf.link) continue;
    const target = models.get(leaf.link.table);
    if (target) links.set(leaf.path, target);
  }
  await tx.createTable(record, links);
  await tx.saveTableRecord(record);
  for (const index of record.meta?.index ?? []) await tx.createIndex(model, index);
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

/**
 * A workspace into an empty (or new) one: its branches found by name or made, library files
 * and blobs under new ids and keys (the instance may hold the very workspace it came from).
 */
class DatabaseApplier extends BranchApplier {
  private readonly branches = new Map<number, number>();
  private readonly keys = new Map<string, string>();
  private readonly createdBranches: string[] = [];
  private readonly touched = new Set<number>();
  private readonly libraryIds = new Map<number, number>();

  private constructor(
    private readonly strata: Strata, private readonly databaseId: number, private readonly name: string, private readonly created: boolean,
    schemaOnly: boolean, private readonly branchMap: { from?: string; to: string } | undefined,
  ) {
    super(strata.storage);
    this.skipRecords = schemaOnly;
    this.rekeys = true;
  }

  static async prepare(strata: Strata, name: string, force: boolean, schemaOnly: boolean, branchMap?: { from?: string; to: string }): Promise<DatabaseApplier> {
    let database = await strata.storage.system.findDatabase(name);
    if (branchMap) {
      if (!database) throw new StrataError('NOT_FOUND', `workspace [${name}] not found`);
      const ctx = await strata.databases.resolve(name, branchMap.to);
      if ((await ctx.store.loadCatalog()).tables.length > 0) throw notEmpty(`branch [${branchMap.to}]`);
      return new DatabaseApplier(strata, database.id, name, false, true, branchMap);
    }
    if (database && !(await DatabaseApplier.isEmpty(strata, database.id, name))) {
      if (!force) throw notEmpty(`workspace [${name}]`);
      await strata.databases.remove(name);
      database = undefined;
    }
    const created = !database;
    if (!database) database = (await strata.databases.create(name)).database;
    return new DatabaseApplier(strata, database.id, name, created, schemaOnly, undefined);
  }

  /** No tables in any branch, no library files. */
  static async isEmpty(strata: Strata, databaseId: number, name: string): Promise<boolean> {
    if ((await strata.storage.system.listWorkspaceFiles(databaseId, { sort: 'created_at', order: 'asc', limit: 1, offset: 0 })).length > 0) return false;
    for (const branch of await strata.storage.system.listBranches(databaseId)) {
      const ctx = await strata.databases.resolve(name, branch.name);
      if ((await ctx.store.loadCatalog()).tables.length > 0) return false;
    }
    return true;
  }

  protected branchId(archived: number): number | undefined {
    const id = this.branches.get(archived);
    if (id === undefined) {
      if (this.branchMap) return undefined;
      throw new StrataError('BAD_REQUEST', `not a valid Strata archive: branch ${archived} has no branch line`);
    }
    this.touched.add(id);
    return id;
  }

  protected override blobKey(archived: string): string {
    if (archived === '') return archived;
    let key = this.keys.get(archived);
    if (!key) { key = newBlobKey(); this.keys.set(archived, key); }
    return key;
  }
  protected override blobOwner(): number { return this.databaseId; }
  protected override libraryId(archived: number): number | undefined { return this.libraryIds.get(archived); }

  protected async system(table: SystemTableName, row: SystemRow): Promise<void> {
    if (table === 'branches' && this.branchMap) {
      if (this.branchMap.from !== undefined ? row.name !== this.branchMap.from : this.branches.size > 0) return;
      const branch = await this.storage.system.findBranch(this.databaseId, this.branchMap.to);
      if (!branch) throw new StrataError('NOT_FOUND', `branch [${this.branchMap.to}] not found`);
      this.branches.set(Number(row.id), branch.id);
      return;
    }
    if (table === 'branches') {
      const name = String(row.name);
      let branch = await this.storage.system.findBranch(this.databaseId, name);
      if (!branch) {
        const id = await this.storage.system.insertBranch({ databaseId: this.databaseId, name, createdAt: String(row.created_at), parent: row.parent === null ? null : String(row.parent), metadata: JSON.parse(String(row.metadata ?? '{}')) });
        await this.storage.createBranchStorage(id);
        this.createdBranches.push(name);
        branch = { id, databaseId: this.databaseId, name, createdAt: String(row.created_at), parent: null, metadata: {} };
      }
      this.branches.set(Number(row.id), branch.id);
      return;
    }
    if (table === 'workspace_files' && !this.skipRecords) {
      const file = await this.storage.system.insertWorkspaceFile({
        databaseId: this.databaseId, createdAt: String(row.created_at), name: String(row.name), size: Number(row.size),
        type: String(row.type) as never, mime: String(row.mime), access: String(row.access) as never, blobKey: this.blobKey(String(row.blob_key)), path: String(row.path),
      });
      this.libraryIds.set(Number(row.id), file.id);
    }
    // The workspace's own row stays the target's (its id, name and settings).
  }

  protected override async checkEnd(): Promise<void> {
    if (this.branchMap && this.touched.size === 0) throw new StrataError('BAD_REQUEST', `the archive has no branch${this.branchMap.from ? ` [${this.branchMap.from}]` : ''}`, { param: 'file' });
  }

  /**
   * The archive's Xano branches into the workspace's settings (labels, descriptions, colours,
   * the live one) and its data sources' colours, for the branches this restore filled; the
   * workspace's own other entries stay.
   */
  async restoreXanoBranches(archived: ArchivedXanoBranches): Promise<void> {
    const filled = new Set((await this.storage.system.listBranches(this.databaseId)).filter((b) => [...this.branches.values()].includes(b.id)).map((b) => b.name));
    const key = workspaceDocKey(this.databaseId);
    const doc = (await this.strata.settings.get(key)) as WorkspaceDoc;
    const branches: Record<string, XanoBranchEntry> = { ...doc.branches };
    for (const [label, entry] of Object.entries(archived.branches)) {
      if (filled.has(entry.branch)) branches[label] = { branch: entry.branch, description: entry.description, color: entry.color, createdAt: entry.createdAt };
    }
    const live = archived.live === DEFAULT_BRANCH || (archived.live !== undefined && branches[archived.live]) ? archived.live : undefined;
    const sources = new Set([...filled].map(labelOf));
    const colors = { ...doc.colors };
    for (const [label, color] of Object.entries(archived.dataSourceColors ?? {})) if (sources.has(label)) colors[label] = color;
    await this.strata.settings.merge(key, { branches, colors, ...(live !== undefined ? { live } : {}) });
  }

  /** Back to empty: branches made go, branches filled are emptied, library rows and blobs go. */
  async undo(): Promise<void> {
    if (this.created) {
      await this.strata.databases.remove(this.name).catch(() => undefined);
    } else {
      for (const id of this.touched) {
        await this.storage.dropBranchStorage(id);
        await this.storage.createBranchStorage(id);
      }
      for (const name of this.createdBranches) await this.strata.databases.removeBranch(this.name, name).catch(() => undefined);
      if (this.libraryIds.size) await this.storage.system.deleteWorkspaceFiles(this.databaseId, [...this.libraryIds.values()]);
    }
    await this.storage.blobs.delete(this.written);
  }
}
