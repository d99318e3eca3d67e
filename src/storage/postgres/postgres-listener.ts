import pg from 'pg';
import { clientConfig, type PgTimeouts } from './postgres-connections.js';

/**
 * The dedicated LISTEN connection. Whenever it is lost (the server restarted, the backend was
 * terminated, the network cut or stalled) it is made again, forever, with capped exponential
 * backoff and jitter; once it is back, `onResync` runs, since notifications sent meanwhile are
 * gone. A silent connection is noticed by a periodic query bounded by the query timeout.
 */
export const LISTENER_APPLICATION_NAME = 'strata-listener';

export interface ListenerOptions {
  channels: string[];
  onNotification(channel: string, payload: string): void;
  /** After a reconnect: drop what may be stale, read what may have been missed. */
  onResync(): void;
  /** First and last delay between attempts. */
  backoff?: { firstMs: number; maxMs: number };
  /** How often the connection is checked. */
  checkMs?: number;
}

export interface Listener {
  /** Whether the connection is up (for tests and metrics). */
  readonly connected: boolean;
  /** Times it was made again after a loss. */
  readonly reconnects: number;
  stop(): Promise<void>;
}

export async function startListener(connectionString: string, t: PgTimeouts, o: ListenerOptions): Promise<Listener> {
  const { firstMs, maxMs } = o.backoff ?? { firstMs: 100, maxMs: 10_000 };
  const checkMs = o.checkMs ?? 5_000;
  let client: pg.Client | undefined;
  let stopped = false;
  let attempt = 0;
  let reconnects = 0;
  let retry: NodeJS.Timeout | undefined;
  let check: NodeJS.Timeout | undefined;

  const open = async (): Promise<void> => {
    // No statement timeout on a session that only listens; the client-side bound still applies.
    // Named, so operators (and the fault tests) can tell it from the pool's sessions in pg_stat_activity.
    const c = new pg.Client(clientConfig(connectionString, t, { statement_timeout: undefined, application_name: LISTENER_APPLICATION_NAME }));
    let lost = false;
    const onLost = () => {
      if (lost) return;
      lost = true;
      if (client === c) client = undefined;
      destroy(c);
      if (!stopped) schedule();
    };
    c.on('error', onLost);
    c.on('end', onLost);
    c.on('notification', (n) => { if (n.payload) o.onNotification(n.channel, n.payload); });
    await c.connect();
    for (const channel of o.channels) await c.query(`LISTEN "${channel}"`);
    if (lost || stopped) { destroy(c); return; }
    client = c;
  };

  const schedule = () => {
    if (retry || stopped) return;
    const delay = Math.min(maxMs, firstMs * 2 ** attempt) * (0.5 + Math.random() / 2);
    attempt++;
    retry = setTimeout(() => {
      retry = undefined;
      open().then(() => {
        if (!client) return; // lost again at once: already rescheduled
        attempt = 0;
        reconnects++;
        o.onResync();
      }, () => schedule());
    }, delay);
    retry.unref();
  };

  try {
    await open();
  } catch (err) {
    stopped = true; // the storage does not open: no retries behind its back
    if (retry) clearTimeout(retry);
    throw err;
  }
  check = setInterval(() => {
    const c = client;
    if (c) c.query('SELECT 1').catch(() => { c.emit('error', new Error('listener check failed')); });
  }, checkMs);
  check.unref();
  return {
    get connected() { return client !== undefined; },
    get reconnects() { return reconnects; },
    async stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      if (check) clearInterval(check);
      await client?.end().catch(() => undefined);
    },
  };
}

/** Closes a lost connection at once: a graceful end would wait on a silent server. */
function destroy(c: pg.Client): void {
  (c as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}
