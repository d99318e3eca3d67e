import { StrataError } from '../../kernel/errors.js';
import { newBlobKey } from '../ports/blob-store.js';
import type { SystemRow, SystemTableName } from '../ports/archive-store.js';
import type { Strata } from '../strata.js';
import type { ArchivedXanoBranches } from './archive-format.js';
import { labelOf, workspaceDocKey, type WorkspaceDoc, type XanoBranchEntry } from '../workspaces.js';
import { DEFAULT_BRANCH } from '../xano-branches.js';
import { BranchApplier, notEmpty } from './branch-applier.js';

/**
 * A workspace into an empty (or new) one: its branches found by name or made, library files
 * and blobs under new ids and keys (the instance may hold the very workspace it came from).
 */
export class DatabaseApplier extends BranchApplier {
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
