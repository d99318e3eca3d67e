import type { ServerResponse } from 'node:http';
import type { ChangeRow } from '../../core/ports/change-log.js';
import type { ChangeOutput } from '../../core/changes/change-subscription.js';

/**
 * Server-Sent Events on a raw response: `id` is the branch's sequence number (what a client
 * sends back as `Last-Event-ID`), `event` the operation, `data` one JSON line. Buffering is
 * the socket's own: `event` answers false once it holds more than `highWater` bytes.
 */
export function sseOutput(res: ServerResponse, highWater = 256 * 1024): ChangeOutput {
  let drainWaiters: Array<() => void> = [];
  const wake = () => { const w = drainWaiters; drainWaiters = []; for (const f of w) f(); };
  res.on('drain', wake);
  res.on('close', wake);
  const write = (text: string) => { res.write(text); return res.writableLength <= highWater; };
  return {
    event(row: ChangeRow) {
      const data = { seq: row.seq, op: row.op, table: row.table, id: row.recordId, version: row.version, at: new Date(row.at).toISOString(), record: row.record === null ? null : JSON.parse(row.record) };
      return write(`id: ${row.seq}\nevent: ${row.op}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    gap(after, until) {
      return write(`event: gap\ndata: ${JSON.stringify({ after, until, message: 'events in this range are older than the resume window and were not delivered' })}\n\n`);
    },
    drained() {
      if (res.destroyed || res.writableLength <= highWater) return Promise.resolve();
      return new Promise((resolve) => drainWaiters.push(resolve));
    },
    close() {
      if (!res.writableEnded) res.end();
    },
  };
}
