import type { HistoryRow, HistoryStore } from '../ports/history-store.js';
import type { HistoryConfig } from '../../config-ops.js';
import { headerLines, redactValue, type SecretKeys } from './redact.js';
import type { SecretColumnSource } from './secret-columns.js';

/**
 * One request as captured by the HTTP layer. The cheap parts only: headers are kept as the
 * objects they are and the output as the text sent; they are formatted and redacted when the
 * batch is written, not while the request is being answered.
 */
export interface CapturedRequest {
  /** The workspace by id (Metadata API) or by database name (data API; resolved at flush). */
  workspace: number | string;
  branch: string | null;
  createdAt: number;
  durationMs: number;
  status: number;
  verb: string;
  uri: string;
  tokenId: string | null;
  clientIp: string | null;
  /** Already redacted and capped (redactValue), or undefined when there was none. */
  input: unknown;
  /**
   * The branch's secret column names the input was redacted with (secretKeys), or undefined
   * when they were not known at capture: then the flush looks them up and redacts the input again.
   */
  secretKeys: SecretKeys | undefined;
  requestHeaders: Record<string, unknown>;
  responseHeaders: Record<string, unknown>;
  responseSize: number;
  /** The response text, when it is small enough to keep. */
  output?: string;
}

export interface RecorderStats { queued: number; dropped: number; written: number; failed: number }

export interface RecorderTiming { flushIntervalMs: number; batchSize: number; pruneIntervalMs: number }
const DEFAULT_TIMING: RecorderTiming = { flushIntervalMs: 250, batchSize: 500, pruneIntervalMs: 60_000 };

/**
 * A bounded queue between requests and the history table. `record` is O(1) and never waits:
 * a full queue drops the entry and counts it. One flush at a time writes batches; a failed
 * write drops its batch (counted) rather than retrying into a growing backlog.
 */
export class HistoryRecorder {
  private queue: CapturedRequest[] = [];
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  private closed = false;
  readonly stats: RecorderStats = { queued: 0, dropped: 0, written: 0, failed: 0 };
  readonly timing: RecorderTiming;

  constructor(
    private readonly store: HistoryStore,
    private readonly resolveWorkspace: (name: string) => Promise<number | undefined>,
    private readonly secrets: SecretColumnSource,
    readonly config: HistoryConfig,
    timing: Partial<RecorderTiming> = {},
  ) {
    this.timing = { ...DEFAULT_TIMING, ...timing };
  }

  /** The secret column names of a request's branch, when known without waiting (the capture redacts its input with them). */
  secretKeys(workspace: number | string, branch: string | null): SecretKeys | undefined {
    return this.secrets.now(workspace, branch);
  }

  get enabled(): boolean {
    return this.config.enabled && !this.closed;
  }

  record(entry: CapturedRequest): void {
    if (!this.enabled) return;
    if (this.queue.length >= this.config.queueSize) { this.stats.dropped++; return; }
    this.queue.push(entry);
    this.stats.queued = this.queue.length;
    if (this.queue.length >= this.timing.batchSize) setImmediate(() => void this.flush());
    else this.timer ??= setTimeout(() => { this.timer = undefined; void this.flush(); }, this.timing.flushIntervalMs).unref();
    this.pruneTimer ??= setInterval(() => void this.prune().catch(() => undefined), this.timing.pruneIntervalMs).unref();
  }

  /** Writes everything queued so far (batch by batch); resolves when it is stored or dropped. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.queue.length === 0) return;
    this.flushing = this.drain().finally(() => { this.flushing = undefined; });
    await this.flushing;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.timing.batchSize);
      this.stats.queued = this.queue.length;
      try {
        const rows = await this.toRows(batch);
        await this.store.insert(rows);
        this.stats.written += rows.length;
      } catch {
        this.stats.failed += batch.length;
      }
    }
  }

  private async toRows(batch: CapturedRequest[]): Promise<HistoryRow[]> {
    const ids = new Map<string, number | undefined>();
    for (const e of batch) {
      if (typeof e.workspace === 'string' && !ids.has(e.workspace)) ids.set(e.workspace, await this.resolveWorkspace(e.workspace));
    }
    const rows: HistoryRow[] = [];
    const loaded = new Map<string, SecretKeys>();
    for (const e of batch) {
      const workspaceId = typeof e.workspace === 'number' ? e.workspace : ids.get(e.workspace);
      if (workspaceId === undefined) continue; // an unknown database: there is no workspace to file it under
      let secretKeys = e.secretKeys;
      let input = e.input;
      if (!secretKeys) {
        const key = `${typeof e.workspace}:${e.workspace}:${e.branch}`;
        secretKeys = loaded.get(key) ?? await this.secrets.load(e.workspace, e.branch);
        loaded.set(key, secretKeys);
        // Already capped at capture: this walk only replaces what the schema says is secret.
        if (input !== undefined && secretKeys.size > 0) input = redactValue(input, Number.POSITIVE_INFINITY, secretKeys);
      }
      rows.push({
        workspaceId, createdAt: e.createdAt, durationMs: e.durationMs, status: e.status, verb: e.verb, uri: e.uri, branch: e.branch,
        tokenId: e.tokenId, clientIp: e.clientIp,
        input: input === undefined ? null : JSON.stringify(input),
        requestHeaders: JSON.stringify(headerLines(e.requestHeaders)),
        responseHeaders: JSON.stringify(headerLines(e.responseHeaders)),
        responseSize: e.responseSize,
        output: e.output === undefined ? null : JSON.stringify(redactValue(parseOutput(e.output), this.config.outputLimit * 2, secretKeys)),
      });
    }
    return rows;
  }

  /** Applies retention: by age, then by count per workspace. */
  prune(now = Date.now()): Promise<number> {
    return this.store.prune({ before: now - this.config.retentionHours * 3_600_000, keep: this.config.maxEntriesPerWorkspace });
  }

  /** Stops recording and writes what is queued (shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    await this.flush();
  }
}

function parseOutput(text: string): unknown {
  try { return JSON.parse(text); } catch { return text; }
}
