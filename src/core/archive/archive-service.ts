import type { Readable, Writable } from 'node:stream';
import type { Strata } from '../strata.js';
import { writeArchive, type ArchiveOptions } from './backup.js';
import { restoreArchive, type RestoreOptions, type RestoreResult } from './restore.js';
import { LAST_BACKUP_SETTING, type ArchiveScope, type HeaderLine, type TrailerLine } from './archive-format.js';
import { StrataError } from '../../kernel/errors.js';
import { DEFAULT_BRANCH } from '../xano-branches.js';
import { BACKS_XANO_BRANCH, type Workspace } from '../workspaces.js';

/** A workspace export checked and ready to stream: its scope, the Strata branches of the Xano branch exported, its file name. */
export interface WorkspaceExport { scope: ArchiveScope; branches: string[]; fileName: string }

/** Backups and restores (the CLI) and workspace exports and imports (the Metadata API), one format. */
export class ArchiveService {
  constructor(private readonly strata: Strata) {}

  /** Writes an archive to `out`; a complete one is remembered as the last backup. */
  async backup(scope: ArchiveScope, out: Writable, opts: ArchiveOptions = {}): Promise<TrailerLine> {
    const trailer = await writeArchive(this.strata.storage, scope, out, opts);
    await this.strata.settings.merge(LAST_BACKUP_SETTING, { at: Date.now(), scope: scope.kind === 'instance' ? 'instance' : `database:${scope.name}` });
    return trailer;
  }

  restore(open: () => Readable, opts: RestoreOptions = {}): Promise<RestoreResult> {
    return restoreArchive(this.strata, open, opts);
  }

  /**
   * The Metadata API's export of one Xano branch, `label` or (empty) the live one: v1 is main
   * with its data sources, another branch its own Strata branch; its records and library files
   * unless `schemaOnly`. Checked before the first byte is sent, so a bad request is a 4xx, not a cut download.
   */
  async prepareWorkspaceExport(workspaceId: number, label: string | undefined, schemaOnly: boolean): Promise<WorkspaceExport> {
    const { database } = await this.strata.workspaces.get(workspaceId);
    const xano = label ? await this.strata.xanoBranches.get(workspaceId, label) : await this.strata.xanoBranches.live(workspaceId);
    const branches = xano.label === DEFAULT_BRANCH
      ? (await this.strata.databases.branches(database.name)).branches.filter((b) => b.metadata[BACKS_XANO_BRANCH] !== true).map((b) => b.name)
      : [xano.branch];
    const stamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z').replaceAll(':', '-');
    return {
      scope: { kind: 'database', name: database.name, content: schemaOnly ? 'schema' : 'full' }, branches,
      fileName: `${database.name}-${xano.label}${schemaOnly ? '-schema' : ''}-${stamp}.strata.gz`,
    };
  }

  /**
   * Into an empty workspace (no tables in any branch, no library files): refused otherwise.
   * The archive's Xano branches (labels, descriptions, colours, the live one) come back with it.
   */
  async importWorkspace(workspaceId: number, open: () => Readable): Promise<Workspace> {
    const { database } = await this.strata.workspaces.get(workspaceId);
    await this.restore(open, { into: database.name, databaseOnly: true });
    return this.strata.workspaces.get(workspaceId);
  }

  /**
   * Xano's import-schema: a new Xano branch `label` with the schema (tables, no records) of the
   * archive's live Xano branch — its first branch when the archive does not say — set live
   * when `setLive`. The new branch starts empty, not as a copy of v1.
   */
  async importSchema(workspaceId: number, open: () => Readable, label: string, setLive: boolean): Promise<void> {
    const { database } = await this.strata.workspaces.get(workspaceId);
    if (label === DEFAULT_BRANCH) throw new StrataError('ALREADY_EXISTS', `branch [${label}] already exists`, { param: 'newbranch' });
    const { header } = await this.restore(open, { into: database.name, databaseOnly: true, dryRun: true });
    const from = liveStrataBranch(header);
    const branch = await this.strata.xanoBranches.create(workspaceId, { label }).catch((err: unknown) => {
      // The label is this route's `newbranch`.
      if (err instanceof StrataError && err.param === 'label') throw new StrataError(err.code, err.message, { param: 'newbranch' });
      throw err;
    });
    try {
      await this.strata.storage.dropBranchStorage(branch.branchId);
      await this.strata.storage.createBranchStorage(branch.branchId);
      await this.strata.storage.publishInvalidation(`branch:${branch.branchId}`);
      await this.restore(open, { into: database.name, branchMap: { ...(from ? { from } : {}), to: branch.branch }, schemaOnly: true });
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

/** The Strata branch behind an archive's live Xano branch (main for v1), when its header names one. */
function liveStrataBranch(header: HeaderLine): string | undefined {
  const xano = header.xanoBranches;
  if (xano?.live === undefined) return undefined;
  return xano.live === DEFAULT_BRANCH ? 'main' : xano.branches[xano.live]?.branch;
}
