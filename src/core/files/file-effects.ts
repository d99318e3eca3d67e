import type { BlobStore } from '../ports/blob-store.js';
import { REFERENCE_PAGE_ROWS } from './file-references.js';
import type { WorkspaceFileRow } from '../ports/storage.js';
import type { BlobOwner, WorkspaceQuota } from './workspace-quota.js';

/** Where a branch's files go and how large one may be (from the instance's configuration). */
export interface FileSettings {
  blobs: BlobStore; maxBytes: number;
  /** Bytes per workspace (workspace-quota.ts); every blob written for a workspace is counted. */
  quota: WorkspaceQuota;
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
  constructor(readonly settings: FileSettings, inherited: string[] = [], readonly owner?: BlobOwner) {
    this.created = [...inherited];
  }

  /** After commit: released blobs go (a failure here only leaves work for gc). */
  async committed(): Promise<void> {
    await deleteBlobs(this.settings.blobs, this.released);
  }

  /** After a rollback: the blobs this attempt created go, except those it inherited (see runWrite). */
  async rolledBack(keep: string[] = []): Promise<void> {
    const drop = this.created.filter((k) => !keep.includes(k));
    await this.settings.blobs.delete(drop).catch(() => undefined);
  }
}

/**
 * Runs a schema change, which may drop file values outside record writes: `run` notes the blob
 * keys it drops in `released` (absent without file storage) while its transaction runs, and
 * they are deleted only once `run` has returned, i.e. committed. A failed or rolled-back
 * change keeps every blob.
 */
export async function releaseAfterCommit<T>(settings: FileSettings | undefined, run: (released: string[] | undefined) => Promise<T>): Promise<T> {
  const effects = settings && new FileEffects(settings);
  const result = await run(effects?.released);
  await effects?.committed();
  return result;
}

/** Deletes blobs in batches (a dropped table may release many); a failure only leaves work for gc. */
export async function deleteBlobs(blobs: BlobStore, keys: string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += REFERENCE_PAGE_ROWS) {
    await blobs.delete(keys.slice(i, i + REFERENCE_PAGE_ROWS)).catch(() => undefined);
  }
}
