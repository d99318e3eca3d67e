import { StrataError } from '../../kernel/errors.js';

/** An engine's or a disk's "no space left": SQLite's SQLITE_FULL, the file system's ENOSPC. */
export function isOutOfSpace(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_FULL' || code === 'ENOSPC';
}

export const storageFull = () => new StrataError('STORAGE_FULL', 'storage is full: writes are refused until disk space is freed (reads still work)');

/** What may run out of space on its own: the data (branch files and blobs), the system store, the request history. */
export type SpacePart = 'data' | 'system' | 'history';

/**
 * Whether storage refused the last write for want of space. An episode runs from the first
 * refused write to the moment every part that refused one has written again (a part's free
 * pages can take a write the others cannot); /ready and /metrics report it, and listeners
 * (the server's log) hear of each start and end once, not once per request.
 */
export class StorageFullness {
  /** Writes refused for want of space, since start. */
  refusals = 0;
  private readonly fullParts = new Set<SpacePart>();
  private readonly listeners = new Set<(full: boolean) => void>();

  get full(): boolean {
    return this.fullParts.size > 0;
  }

  /** Listens for episodes starting (true) and ending (false); answers the way to stop listening. */
  onChange(listener: (full: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  refused(part: SpacePart = 'data'): void {
    this.refusals++;
    const was = this.full;
    this.fullParts.add(part);
    if (!was) this.emit(true);
  }

  /** Called on every commit: nothing to do unless an episode runs. */
  wrote(part: SpacePart = 'data'): void {
    if (this.fullParts.size === 0 || !this.fullParts.delete(part)) return;
    if (!this.full) this.emit(false);
  }

  private emit(full: boolean): void {
    for (const listener of this.listeners) listener(full);
  }
}
