import { StrataError } from '../core/errors.js';

/** An engine's or a disk's "no space left": SQLite's SQLITE_FULL, the file system's ENOSPC. */
export function isOutOfSpace(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_FULL' || code === 'ENOSPC';
}

export const storageFull = () => new StrataError('STORAGE_FULL', 'storage is full: writes are refused until disk space is freed (reads still work)');

/**
 * Whether storage refused the last write for want of space. An episode runs from the first
 * refused write to the next one that succeeds; /ready and /metrics report it, and listeners
 * (the server's log) hear of each start and end once, not once per request.
 */
export class StorageFullness {
  full = false;
  /** Writes refused for want of space, since start. */
  refusals = 0;
  private readonly listeners = new Set<(full: boolean) => void>();

  /** Listens for episodes starting (true) and ending (false); answers the way to stop listening. */
  onChange(listener: (full: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  refused(): void {
    this.refusals++;
    if (!this.full) this.set(true);
  }

  wrote(): void {
    if (this.full) this.set(false);
  }

  private set(full: boolean): void {
    this.full = full;
    for (const listener of this.listeners) listener(full);
  }
}
