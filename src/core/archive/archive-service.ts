import type { Readable, Writable } from 'node:stream';
import type { Strata } from '../strata.js';
import { writeArchive, type ArchiveProgress } from './backup.js';
import { restoreArchive, type RestoreOptions, type RestoreResult } from './restore.js';
import type { ArchiveScope, TrailerLine } from './archive-format.js';

/** The instance setting that remembers the last backup, so every node's /metrics (and the CLI's backups) agree. */
export const LAST_BACKUP_SETTING = 'archive.lastBackup';

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

  /** When the last complete archive was written (epoch ms), by any process on this storage. */
  async lastBackupAt(): Promise<number | undefined> {
    const at = (await this.strata.settings.get(LAST_BACKUP_SETTING)).at;
    return typeof at === 'number' ? at : undefined;
  }
}
