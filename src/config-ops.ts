import { ConfigError, integer } from './config-values.js';

/** Operations settings: request history, change streams, shutdown. Validated with the rest at start. */
export interface OpsConfig {
  history: HistoryConfig;
  changes: ChangesConfig;
  /** How long SIGTERM may take (in-flight requests, history flush) before the process exits anyway. */
  shutdownTimeoutMs: number;
  /** Largest file accepted, in bytes (413 beyond it); inline base64 is also capped at 20 MB by the contract. */
  fileMaxBytes: number;
  /** Bytes of files one workspace may hold (library and record files); 0: no quota. */
  workspaceQuotaBytes: number;
  timeouts: TimeoutsConfig;
}

/** How long a client may take to send a request (http/ops/request-timeouts.ts). */
export interface TimeoutsConfig {
  /** The whole request, headers and body (0: no limit). Change streams, whose requests have no body, are not bound by it. */
  requestMs: number;
  /** The longest pause while a request body is arriving. */
  idleMs: number;
}

export interface HistoryConfig {
  enabled: boolean;
  /** Entries older than this are deleted. */
  retentionHours: number;
  /** At most this many entries are kept per workspace (the newest). */
  maxEntriesPerWorkspace: number;
  /** Entries waiting to be written; beyond this, new entries are dropped and counted. */
  queueSize: number;
  /** Characters of a request body kept (after redaction). */
  inputLimit: number;
  /** A response is stored as `output` when it is at most this many characters. */
  outputLimit: number;
}

export interface ChangesConfig {
  /** Events kept per branch in the change log: how far back `Last-Event-ID` can resume. */
  retain: number;
  heartbeatMs: number;
}

export const DEFAULT_OPS: OpsConfig = {
  history: { enabled: true, retentionHours: 168, maxEntriesPerWorkspace: 100_000, queueSize: 10_000, inputLimit: 8192, outputLimit: 4096 },
  changes: { retain: 10_000, heartbeatMs: 15_000 },
  shutdownTimeoutMs: 10_000,
  fileMaxBytes: 1024 * 1024 * 1024,
  workspaceQuotaBytes: 0,
  timeouts: { requestMs: 300_000, idleMs: 30_000 },
};

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['true', '1', 'yes', 'on'].includes(raw)) return true;
  if (['false', '0', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

export function loadOpsConfig(env: NodeJS.ProcessEnv): OpsConfig {
  const h = DEFAULT_OPS.history;
  return {
    history: {
      enabled: bool(env, 'HISTORY_ENABLED', h.enabled),
      retentionHours: integer(env, 'HISTORY_RETENTION_HOURS', h.retentionHours, 1, 24 * 3650),
      maxEntriesPerWorkspace: integer(env, 'HISTORY_MAX_ENTRIES', h.maxEntriesPerWorkspace, 10, 100_000_000),
      queueSize: integer(env, 'HISTORY_QUEUE_SIZE', h.queueSize, 10, 1_000_000),
      inputLimit: integer(env, 'HISTORY_INPUT_LIMIT', h.inputLimit, 0, 1024 * 1024),
      outputLimit: integer(env, 'HISTORY_OUTPUT_LIMIT', h.outputLimit, 0, 1024 * 1024),
    },
    changes: {
      retain: integer(env, 'CHANGES_RETAIN', DEFAULT_OPS.changes.retain, 100, 10_000_000),
      heartbeatMs: integer(env, 'CHANGES_HEARTBEAT_SECONDS', DEFAULT_OPS.changes.heartbeatMs / 1000, 1, 3600) * 1000,
    },
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_SECONDS', DEFAULT_OPS.shutdownTimeoutMs / 1000, 1, 600) * 1000,
    fileMaxBytes: integer(env, 'FILE_MAX_BYTES', DEFAULT_OPS.fileMaxBytes, 1, 5 * 1024 ** 3),
    workspaceQuotaBytes: integer(env, 'STRATA_WORKSPACE_QUOTA_BYTES', DEFAULT_OPS.workspaceQuotaBytes, 0, Number.MAX_SAFE_INTEGER),
    timeouts: {
      requestMs: integer(env, 'STRATA_REQUEST_TIMEOUT_SECONDS', DEFAULT_OPS.timeouts.requestMs / 1000, 0, 24 * 3600) * 1000,
      idleMs: integer(env, 'STRATA_IDLE_TIMEOUT_SECONDS', DEFAULT_OPS.timeouts.idleMs / 1000, 1, 3600) * 1000,
    },
  };
}
