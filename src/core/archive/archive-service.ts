import type { Readable, Writable } from 'node:stream';
import type { Strata } from '../strata.js';
import { writeArchive, type ArchiveProgress } from './backup.js';
import { restoreArchive, type RestoreOptions, type RestoreResult } from './restore.js';
import { LAST_BACKUP_SETTING, type ArchiveScope, type TrailerLine } from './archive-format.js';
import { StrataError } from '../../kernel/errors.js';
import { DEFAULT_BRANCH } from '../xano-branches.js';
import type { Workspace } from '../workspaces.js';

/** A workspace export checked and ready to stream: its scope and, when one Xano branch was asked for, that branch. */
export interface WorkspaceExport { scope: ArchiveScope; branch?: string; fileName: string }


/** Backups and restores (the CLI) and workspace exports and imports (the Metadata API), one format. */
export class ArchiveService {
  constructor(private readonly strata: Strata) {}

  /** Writes an archive to `out`; a complete one is remembered as the last backup. */
  async backup(scope: ArchiveScope, out: Writable, opts: { branch?: string; progress?: ArchiveProgress } = {}): Promise<TrailerLine> {
    const trailer = await writeArchive(this.strata.storage, scope, out, opts);
    await this.strata.settings.merge(LAST_BACKUP_SETTING, { at: Date.now(), scope: scope.kind === 'instance' ? 'instance' : `database:${scope.name}` });
    return trailer;
  }

  restore(open: () => Readable, opts: RestoreOptions = {}): Promise<RestoreResult> {
    return restoreArchive(this.strata, open, opts);
  }

  /**
   * The Metadata API's export: the workspace (every branch and data source) or, when `label`
   * names a Xano branch, that branch alone; its records and library files unless `schemaOnly`.
   * Checked before the first byte is sent, so a bad request is a 4xx, not a cut download.
   */
  async prepareWorkspaceExport(workspaceId: number, label: string | undefined, schemaOnly: boolean): Promise<WorkspaceExport> {
    const { database } = await this.strata.workspaces.get(workspaceId);
    const branch = label ? (await this.strata.xanoBranches.get(workspaceId, label)).branch : undefined;
    const stamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z').replaceAll(':', '-');
    return {
      scope: { kind: 'database', name: database.name, content: schemaOnly ? 'schema' : 'full' }, ...(branch ? { branch } : {}),
      fileName: `${database.name}${label ? `-${label}` : ''}${schemaOnly ? '-schema' : ''}-${stamp}.strata.gz`,
    };
  }

  /** Into an empty workspace (no tables in any branch, no library files): 409 otherwise. */
  async importWorkspace(workspaceId: number, open: () => Readable): Promise<Workspace> {
    const { database } = await this.strata.workspaces.get(workspaceId);
    await this.restore(open, { into: database.name, databaseOnly: true });
    return this.strata.workspaces.get(workspaceId);
  }

  /**
   * Xano's import-schema: a new branch `label` with the schema of the archive's live branch
   * (main), optionally set live. The new branch starts empty, not as a copy of v1.
   */
  async importSchema(workspaceId: number, open: () => Readable, label: string, setLive: boolean): Promise<void> {
    const { database } = await this.strata.workspaces.get(workspaceId);
    if (label === DEFAULT_BRANCH) throw new StrataError('ALREADY_EXISTS', `branch [${label}] already exists`, { param: 'newbranch' });
    await this.restore(open, { into: database.name, databaseOnly: true, dryRun: true });
    const branch = await this.strata.xanoBranches.create(workspaceId, { label });
    try {
      await this.strata.storage.dropBranchStorage(branch.branchId);
      await this.strata.storage.createBranchStorage(branch.branchId);
      await this.strata.storage.publishInvalidation(`branch:${branch.branchId}`);
      await this.restore(open, { into: database.name, branchMap: { to: branch.branch }, schemaOnly: true });
    } catch (err) {
      await this.strata.xanoBranches.remove(workspaceId, label).catch(() => undefined);
      throw err;
    }
    if (setLive) await this.strata.xanoBranches.setLive(workspaceId, label);
  }

  /** When the last complete archive was written (epoch ms), by any process on this storage. */
  async lastBackupAt(): Promise<number | undefined> {
    const at = (await this.strata.settings.get(LAST_BACKUP_SETTING)).at;
    return typeof at === 'number' ? at : undefined;
  }
}
