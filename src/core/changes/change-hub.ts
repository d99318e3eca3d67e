import type { ChangeRow } from '../ports/change-log.js';
import type { BranchStore, Storage } from '../ports/storage.js';
import type { ChangeSink } from '../databases.js';
import { ChangeSubscription, type ChangeOutput } from './change-subscription.js';

interface BranchFeed {
  store: BranchStore;
  /** The last sequence number read from the log and handed to live subscribers. */
  cursor: number;
  subscribers: Set<ChangeSubscription>;
  reading: boolean;
  again: boolean;
}

export interface ChangeStats { subscribers: number; delivered: number; reads: number; fellBehind: number }

const PAGE = 500;

/**
 * Live change streams. Writers append to the branch's log inside their transaction and call
 * `committed` after commit (other PostgreSQL nodes hear it through NOTIFY, and every node polls
 * as a backstop for a lost notification). Per branch with subscribers, the hub reads new log
 * rows once and hands them to every live subscriber; nothing is buffered for a subscriber
 * beyond its connection's own buffer (see ChangeSubscription).
 */
export class ChangeHub implements ChangeSink {
  private readonly feeds = new Map<number, Promise<BranchFeed>>();
  /** The feed each subscriber joined (the branch's current one may be newer). */
  private readonly joined = new WeakMap<ChangeSubscription, Promise<BranchFeed>>();
  private readonly readyStores = new WeakMap<BranchStore, Promise<void>>();
  private poll: NodeJS.Timeout | undefined;
  private closed = false;
  readonly stats: ChangeStats = { subscribers: 0, delivered: 0, reads: 0, fellBehind: 0 };

  constructor(storage: Storage, readonly retain: number, private readonly pollMs = 1000) {
    storage.onChanges((branchId, seq) => this.committed(branchId, seq));
    // 'all': notifications may have been lost (PostgreSQL's LISTEN connection came back); every reader catches up now.
    storage.onInvalidation((message) => { if (message === 'all') this.wakeAll(); });
  }

  private wakeAll(): void {
    for (const [id, f] of this.feeds) void f.then((x) => this.pump(x, id), () => undefined);
  }

  ready(store: BranchStore): Promise<void> {
    let ready = this.readyStores.get(store);
    if (!ready) {
      ready = store.transaction((tx) => tx.ensureChangeLog());
      ready.catch(() => this.readyStores.delete(store));
      this.readyStores.set(store, ready);
    }
    return ready;
  }

  committed(branchId: number, seq: number): void {
    const feed = this.feeds.get(branchId);
    if (feed) void feed.then((f) => { if (seq > f.cursor) this.pump(f, branchId); });
  }

  /** Subscribes from `after` (a Last-Event-ID) or from now; the output gets every later event the filter wants. */
  async subscribe(branchId: number, store: BranchStore, after: number | undefined, wants: (row: ChangeRow) => boolean, out: ChangeOutput): Promise<ChangeSubscription> {
    if (this.closed) throw new Error('change streams are closed');
    await this.ready(store);
    // The feed must still be the branch's when the subscriber joins: one emptied and dropped
    // meanwhile (the last stream left) is read by nobody, and leaving it would count wrong.
    let pending: Promise<BranchFeed>;
    let feed: BranchFeed;
    do {
      pending = this.feed(branchId, store);
      feed = await pending;
    } while (this.feeds.get(branchId) !== pending);
    const start = after === undefined || after > feed.cursor ? feed.cursor : after;
    const counted = (row: ChangeRow) => { const ok = wants(row); if (ok) this.stats.delivered++; return ok; };
    const sub = new ChangeSubscription(branchId, store, start, counted, out, () => feed.cursor, () => { this.stats.fellBehind++; });
    feed.subscribers.add(sub);
    this.joined.set(sub, pending);
    this.stats.subscribers++;
    this.poll ??= setInterval(() => this.wakeAll(), this.pollMs).unref();
    void sub.catchUp(); // from `start` to the live feed; the subscription goes live by itself
    return sub;
  }

  unsubscribe(sub: ChangeSubscription): void {
    sub.close();
    const pending = this.joined.get(sub);
    void pending?.then((feed) => {
      if (!feed.subscribers.delete(sub)) return;
      this.stats.subscribers--;
      if (feed.subscribers.size === 0 && this.feeds.get(sub.branchId) === pending) this.feeds.delete(sub.branchId);
      if (this.feeds.size === 0 && this.poll) { clearInterval(this.poll); this.poll = undefined; }
    });
  }

  private feed(branchId: number, store: BranchStore): Promise<BranchFeed> {
    let feed = this.feeds.get(branchId);
    if (!feed) {
      feed = store.changeHead(branchId).then((cursor) => ({ store, cursor, subscribers: new Set(), reading: false, again: false }));
      feed.catch(() => this.feeds.delete(branchId));
      this.feeds.set(branchId, feed);
    }
    return feed;
  }

  /** Reads the log past the feed's cursor (one reader per branch) and hands the rows to live subscribers. */
  private pump(feed: BranchFeed, branchId: number): void {
    if (feed.reading) { feed.again = true; return; }
    feed.reading = true;
    void (async () => {
      try {
        do {
          feed.again = false;
          for (;;) {
            const rows = await feed.store.readChanges(branchId, feed.cursor, PAGE);
            this.stats.reads++;
            if (rows.length === 0) break;
            feed.cursor = rows[rows.length - 1]!.seq;
            for (const sub of feed.subscribers) sub.deliver(rows);
            if (rows.length < PAGE) break;
          }
        } while (feed.again);
      } catch {
        // The next notification or poll tries again.
      } finally {
        feed.reading = false;
      }
    })();
  }

  /** Ends every stream (shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.poll) clearInterval(this.poll);
    for (const pending of this.feeds.values()) {
      const feed = await pending.catch(() => undefined);
      for (const sub of feed?.subscribers ?? []) sub.close();
    }
    this.feeds.clear();
    this.stats.subscribers = 0;
  }
}
