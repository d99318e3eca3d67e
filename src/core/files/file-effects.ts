import type { BlobStore } from '../../storage/blobs/blob-store.js';
import type { WorkspaceFileRow } from '../../storage/storage.js';

/** Where a branch's files go and how large one may be (from the instance's configuration). */
export interface FileSettings {
  blobs: BlobStore; maxBytes: number;
  /** Files of a workspace's library, which Xano file columns reference (core/files/library-refs.ts). */
  library?: { find(databaseId: number, ref: { id: number } | { path: string }): Promise<WorkspaceFileRow | undefined> };
}

/**
 * The blobs one write transaction created and released. Blobs are written before the
 * transaction commits and released only after: so on failure the created ones are deleted
 * (nothing points to them), on success the released ones (nothing points to them any more).
 * A crash between the two leaves an unreferenced blob, which `strata files gc` removes.
 */
export class FileEffects {
  readonly created: string[];
  readonly released: string[] = [];
  constructor(readonly settings: FileSettings, inherited: string[] = []) {
    this.created = [...inherited];
  }

  /** After commit: released blobs go (a failure here only leaves work for gc). */
  async committed(): Promise<void> {
    await this.settings.blobs.delete(this.released).catch(() => undefined);
  }

  /** After a rollback: the blobs this attempt created go, except those it inherited (see runWrite). */
  async rolledBack(keep: string[] = []): Promise<void> {
    const drop = this.created.filter((k) => !keep.includes(k));
    await this.settings.blobs.delete(drop).catch(() => undefined);
  }
}
