import { StrataError } from '../kernel/errors.js';
import { assertBranchName, assertDatabaseName } from './names.js';
import { BranchSchema } from '../kernel/model/table-model.js';
import type { AccountAccess } from './auth/account-access.js';
import { deleteBlobs, type FileSettings } from './files/file-effects.js';
import { collectBlobKeys } from './files/file-references.js';
import type { BranchReader, BranchRow, BranchStore, DatabaseRow, Storage } from './ports/storage.js';

/** A resolved `{db}:{branch}`: the rows, the storage, and the (cached) schema. */
export interface BranchContext {
  database: DatabaseRow;
  branch: BranchRow;
  store: BranchStore;
  /** The branch's schema (cached); on a cache miss it is read through `via` when given (e.g. a transaction). */
  schema(via?: BranchReader): Promise<BranchSchema>;
  /** Where committed record changes go (the change log and streams); absent when nothing listens. */
  changes?: ChangeSink;
  /** Where file columns keep their bytes (core/files/). */
  files?: FileSettings;
}

/** What record writes need of the change streams (core/changes/change-hub.ts). */
export interface ChangeSink {
  /** Events kept per branch for resuming. */
  retain: number;
  /** Resolves once the branch's store has its change log tables. */
  ready(store: BranchStore): Promise<void>;
  /** A transaction that appended up to `seq` committed. */
  committed(branchId: number, seq: number): void;
}

/**
 * Databases (a Xano workspace is the Xata database of the same name) and their branches.
 * Resolution and schemas are cached per process; every change, here or on another node
 * (PostgreSQL NOTIFY), drops the affected entries.
 */
export class DatabaseService {
  private readonly resolved = new Map<string, { database: DatabaseRow; branch: BranchRow }>();
  /** Per branch: the schema, and the store's outside-commit count when it was read (SQLite). */
  private readonly schemas = new Map<number, { schema: Promise<BranchSchema>; outside: number | undefined }>();
  /** The same schemas once loaded, and branch ids by `#{databaseId}:{branch}`: for synchronous readers (loadedSchema). */
  private readonly loaded = new Map<number, BranchSchema>();
  private readonly branchIds = new Map<string, number>();
  /** Set by Strata: every context it resolves carries it to the write path. */
  changeSink: ChangeSink | undefined;
  /** Set by Strata: the blob store and the size limit every write of a file column uses. */
  files: FileSettings | undefined;

  constructor(private readonly storage: Storage) {
    storage.onInvalidation((message) => {
      const branchId = /^branch:(\d+)$/.exec(message)?.[1];
      if (branchId) this.forgetSchema(Number(branchId));
      else this.forgetAll();
    });
  }

  private forgetAll(): void {
    this.resolved.clear();
    this.schemas.clear();
    this.loaded.clear();
    this.branchIds.clear();
  }

  private forgetSchema(branchId: number): void {
    this.schemas.delete(branchId);
    this.loaded.delete(branchId);
  }

  /** Drops the cached schema of a branch (after a local schema change commits). */
  schemaChanged(branchId: number): void {
    this.forgetSchema(branchId);
  }

  /**
   * A branch's schema if this process has it loaded, without waiting (request history reads it
   * as each request ends: a request that wrote a table has just loaded its schema); the
   * database by name (data API) or id (Metadata API).
   */
  loadedSchema(database: string | number, branchName: string): BranchSchema | undefined {
    const branchId = typeof database === 'number' ? this.branchIds.get(`#${database}:${branchName}`) : this.resolved.get(`${database}:${branchName}`)?.branch.id;
    return branchId === undefined ? undefined : this.loaded.get(branchId);
  }

  private async catalogChanged(): Promise<void> {
    this.forgetAll();
    await this.storage.publishInvalidation('catalog');
  }

  /** The databases, or only those `access` may see (a member's workspaces). */
  async list(access?: AccountAccess) {
    const all = await this.storage.system.listDatabases();
    return access && !access.isOwner ? all.filter((d) => access.canSee(d.id)) : all;
  }

  async get(name: string): Promise<DatabaseRow> {
    const database = await this.storage.system.findDatabase(name);
    if (!database) throw new StrataError('NOT_FOUND', `database [${name}] not found`);
    return database;
  }

  async create(name: string, region = 'local'): Promise<{ database: DatabaseRow; branch: BranchRow }> {
    assertDatabaseName(name);
    if (await this.storage.system.findDatabase(name)) throw new StrataError('ALREADY_EXISTS', `database [${name}] already exists`);
    const createdAt = new Date().toISOString();
    const ids = await this.storage.system.insertDatabase(
      { name, region, createdAt, settings: {} },
      { name: 'main', createdAt, parent: null, metadata: {} },
    );
    try {
      await this.storage.createBranchStorage(ids.branchId);
    } catch (err) {
      await this.storage.system.deleteDatabase(ids.databaseId);
      throw err;
    }
    await this.catalogChanged();
    return {
      database: { id: ids.databaseId, name, region, createdAt, settings: {} },
      branch: { id: ids.branchId, databaseId: ids.databaseId, name: 'main', createdAt, parent: null, metadata: {} },
    };
  }

  /** Deletes a database (a workspace): its branches, their records and files, and its file library. */
  async remove(name: string): Promise<void> {
    const database = await this.get(name);
    const branches = await this.storage.system.listBranches(database.id);
    const released = await this.storage.system.workspaceFileBlobKeys({ databaseId: database.id });
    for (const branch of branches) await this.branchBlobKeys(database.name, branch.name, released);
    await this.storage.system.deleteDatabase(database.id);
    for (const branch of branches) await this.storage.dropBranchStorage(branch.id);
    await this.catalogChanged();
    await this.releaseBlobs(released);
  }

  async rename(name: string, newName: string): Promise<DatabaseRow> {
    const database = await this.get(name);
    assertDatabaseName(newName);
    if (newName === name) return database;
    if (await this.storage.system.findDatabase(newName)) throw new StrataError('ALREADY_EXISTS', `database [${newName}] already exists`);
    await this.storage.system.renameDatabase(database.id, newName);
    await this.catalogChanged();
    return { ...database, name: newName };
  }

  async updateSettings(name: string, settings: Record<string, unknown>): Promise<DatabaseRow> {
    const database = await this.get(name);
    const merged = { ...database.settings, ...settings };
    await this.storage.system.updateDatabaseSettings(database.id, merged);
    return { ...database, settings: merged };
  }

  async branches(dbName: string): Promise<{ database: DatabaseRow; branches: BranchRow[] }> {
    const database = await this.get(dbName);
    return { database, branches: await this.storage.system.listBranches(database.id) };
  }

  async createBranch(dbName: string, name: string, opts: { from?: string; copyData?: boolean; metadata?: Record<string, unknown> } = {}): Promise<BranchRow> {
    assertBranchName(name);
    const database = await this.get(dbName);
    if (await this.storage.system.findBranch(database.id, name)) throw new StrataError('ALREADY_EXISTS', `branch [${name}] already exists in database [${dbName}]`);
    const fromName = opts.from ?? 'main';
    const from = await this.storage.system.findBranch(database.id, fromName);
    if (!from) throw new StrataError('NOT_FOUND', `branch [${fromName}] not found in database [${dbName}]`);
    if (opts.copyData === true) await this.refuseFileCopy(dbName, fromName);
    const row = { databaseId: database.id, name, createdAt: new Date().toISOString(), parent: from.name, metadata: opts.metadata ?? {} };
    const id = await this.storage.system.insertBranch(row);
    try {
      await this.storage.createBranchStorage(id, { branchId: from.id, copyData: opts.copyData === true });
    } catch (err) {
      await this.storage.system.deleteBranch(id);
      throw err;
    }
    await this.catalogChanged();
    return { id, ...row };
  }

  /**
   * A copy with data would share the source's file blobs, and deleting a file in either
   * branch would release a blob the other still uses: until blobs are copied (or counted),
   * records with file columns are not copied.
   */
  private async refuseFileCopy(dbName: string, fromName: string): Promise<void> {
    const schema = await (await this.resolve(dbName, fromName)).schema();
    const withFiles = [...schema.tables.values()].find((t) => t.leaves.some((l) => l.type === 'file' || l.type === 'file[]'));
    if (withFiles) {
      throw new StrataError('UNPROCESSABLE', `branch [${fromName}] has file columns (table [${withFiles.name}]): copying its records (copyData) is not supported yet; copy the schema only`);
    }
  }

  async removeBranch(dbName: string, name: string): Promise<void> {
    const ctx = await this.resolve(dbName, name);
    if (name === 'main') throw new StrataError('CONFLICT', 'the main branch cannot be deleted; delete the database instead');
    const released: string[] = [];
    await this.branchBlobKeys(dbName, name, released);
    await this.storage.system.deleteBranch(ctx.branch.id);
    await this.storage.dropBranchStorage(ctx.branch.id);
    await this.catalogChanged();
    await this.releaseBlobs(released);
  }

  /**
   * The blob keys of a branch's file columns, about to go with it. Branches never share blobs
   * (a copy with records is refused while the source has file columns: refuseFileCopy), so
   * none of these is referenced elsewhere. A write landing between this read and the drop
   * leaves its blob to `strata files gc`.
   */
  private async branchBlobKeys(dbName: string, branchName: string, into: string[]): Promise<void> {
    if (!this.files) return;
    const ctx = await this.resolve(dbName, branchName);
    for (const table of (await ctx.schema()).tables.values()) await collectBlobKeys(ctx.store, table, into);
  }

  /** After the drop: the blobs it released (nothing deletes them before it succeeded). */
  private async releaseBlobs(keys: string[]): Promise<void> {
    if (this.files) await deleteBlobs(this.files.blobs, keys);
  }

  /** Resolves `{db}:{branch}`; 404 when either does not exist. */
  async resolve(dbName: string, branchName: string): Promise<BranchContext> {
    const key = `${dbName}:${branchName}`;
    let hit = this.resolved.get(key);
    if (!hit) {
      const database = await this.storage.system.findDatabase(dbName);
      if (!database) throw new StrataError('NOT_FOUND', `database [${dbName}] not found`);
      const branch = await this.storage.system.findBranch(database.id, branchName);
      if (!branch) throw new StrataError('NOT_FOUND', `branch [${dbName}:${branchName}] not found`);
      hit = { database, branch };
      this.resolved.set(key, hit);
      this.branchIds.set(`#${database.id}:${branchName}`, branch.id);
    }
    const { database, branch } = hit;
    const store = await this.storage.branch(branch.id);
    return { database, branch, store, schema: (via) => this.schemaOf(branch.id, store, via ?? store), changes: this.changeSink, files: this.files };
  }

  /**
   * The cached schema, read again when another process (a second writer, the CLI) committed to
   * the branch since: nobody tells a SQLite process of another's schema change.
   */
  private schemaOf(branchId: number, store: BranchStore, reader: BranchReader): Promise<BranchSchema> {
    const outside = store.outsideCommits?.();
    const cached = this.schemas.get(branchId);
    if (cached && cached.outside === outside) return cached.schema;
    const schema = reader.loadCatalog().then((c) => new BranchSchema(c.tables, c.lastMigrationId));
    const entry = { schema, outside };
    schema.then((loaded) => { if (this.schemas.get(branchId) === entry) this.loaded.set(branchId, loaded); }, () => { if (this.schemas.get(branchId) === entry) this.forgetSchema(branchId); });
    this.schemas.set(branchId, entry);
    return schema;
  }
}
