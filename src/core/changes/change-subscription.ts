import type { ChangeRow } from '../ports/change-log.js';
import type { BranchStore } from '../ports/storage.js';

/** Where a subscription's events go (the HTTP layer's SSE writer). */
export interface ChangeOutput {
  /** Writes one event; false when the connection's buffer is full (wait for `drained`). */
  event(row: ChangeRow): boolean;
  /** Events after `after` up to `until` are gone from the log (older than the resume window). */
  gap(after: number, until: number): boolean;
  drained(): Promise<void>;
  close(): void;
}

const PAGE = 200;

/**
 * One subscriber of a branch. Live, it gets events straight from the hub's single read of the
 * log. When its connection cannot keep up (buffer full) or it resumes from `Last-Event-ID`,
 * it falls back to reading the log itself from its own cursor, page by page, waiting for its
 * buffer to drain: memory stays bounded and writers never wait for it. It rejoins the live
 * feed once it has caught up.
 */
export class ChangeSubscription {
  live = false;
  closed = false;
  private catchingUp = false;
  /** The connection's buffer filled up: wait for it to drain before writing more. */
  private full = false;

  constructor(
    readonly branchId: number,
    private readonly store: BranchStore,
    public cursor: number,
    private readonly wants: (row: ChangeRow) => boolean,
    private readonly out: ChangeOutput,
    /** The hub's cursor: how far the live feed has read. */
    private readonly liveCursor: () => number,
    /** Called when a live subscriber falls behind (its buffer filled) and reads the log itself. */
    private readonly onFallBehind: () => void = () => undefined,
  ) {}

  /** Live delivery from the hub (synchronous: the hub's cursor and ours move in the same tick). */
  deliver(rows: ChangeRow[]): void {
    if (!this.live || this.closed) return;
    for (const row of rows) {
      if (row.seq <= this.cursor) continue;
      if (row.seq !== this.cursor + 1 || !this.send(row)) { this.onFallBehind(); void this.catchUp(); return; }
    }
  }

  /** Reads the log from the cursor until it reaches the live feed, then goes live. */
  async catchUp(): Promise<void> {
    if (this.catchingUp || this.closed) return;
    this.live = false;
    this.catchingUp = true;
    try {
      for (;;) {
        if (this.full) { await this.out.drained(); this.full = false; }
        if (this.closed) return;
        const rows = await this.store.readChanges(this.branchId, this.cursor, PAGE);
        if (this.closed) return;
        for (const row of rows) {
          if (row.seq !== this.cursor + 1 && !this.out.gap(this.cursor, row.seq - 1)) this.full = true;
          this.cursor = row.seq - 1;
          this.send(row);
        }
        // Synchronously after the read: nothing can slip between this check and going live.
        if (!this.full && rows.length < PAGE && this.cursor >= this.liveCursor()) { this.live = true; return; }
      }
    } catch {
      this.close();
    } finally {
      this.catchingUp = false;
    }
  }

  /** Writes one row if this subscriber wants it; the cursor moves either way. False when the buffer is full. */
  private send(row: ChangeRow): boolean {
    this.cursor = row.seq;
    if (this.wants(row) && !this.out.event(row)) this.full = true;
    return !this.full;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.live = false;
    this.out.close();
  }
}
