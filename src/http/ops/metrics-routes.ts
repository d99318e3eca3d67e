import type { FastifyInstance } from 'fastify';
import type { Strata } from '../../core/strata.js';
import { instanceOwners, needs } from '../route-access.js';
import { Counter, eventLoopDelay, Histogram, sampled } from './metrics.js';

/**
 * Prometheus metrics at GET /metrics, for instance owners with the Request History Read scope:
 * route names, traffic, error rates and the process's memory describe the whole instance, not
 * one workspace, so no workspace role (not even admin) is enough. Prometheus sends an owner's
 * history:read token with `authorization: {credentials: …}`.
 */
export function registerMetrics(app: FastifyInstance, strata: Strata): void {
  const requests = new Counter('strata_http_requests_total', 'HTTP requests answered, by route, method and status', ['route', 'method', 'status']);
  const latency = new Histogram('strata_http_request_duration_seconds', 'Time to answer, by route and method', ['route', 'method']);
  const loop = eventLoopDelay();
  app.addHook('onClose', async () => loop.stop());
  app.addHook('onResponse', (request, reply, done) => {
    // The route pattern, not the URL: one series per route however many records there are.
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc([route, request.method, String(reply.statusCode)]);
    latency.observe([route, request.method], reply.elapsedTime / 1000);
    done();
  });

  app.get('/metrics', { config: { ...instanceOwners(needs('history:read')), history: false }, schema: { summary: 'Prometheus metrics of this node', description: 'Prometheus text format 0.0.4: requests by route and status, latency histograms, storage pool, request-history queue and drops, change streams, the PostgreSQL LISTEN connection.' } }, async (_request, reply) => {
    const history = strata.history.recorder.stats;
    const changes = strata.changes.stats;
    const pool = strata.storage.poolStats?.();
    const listener = strata.storage.listenerStats?.();
    const fullness = strata.storage.fullness;
    const memory = process.memoryUsage();
    const lastBackup = await strata.archives.lastBackupAt().catch(() => undefined);
    const parts = [
      requests.render(),
      latency.render(),
      sampled('strata_history_queue_depth', 'Request-history entries waiting to be written', 'gauge', history.queued),
      sampled('strata_history_dropped_total', 'Request-history entries dropped because the queue was full', 'counter', history.dropped),
      sampled('strata_history_written_total', 'Request-history entries written', 'counter', history.written),
      sampled('strata_history_failed_total', 'Request-history entries lost to a failed write', 'counter', history.failed),
      sampled('strata_change_subscribers', 'Open change streams on this node', 'gauge', changes.subscribers),
      sampled('strata_change_events_delivered_total', 'Change events written to streams', 'counter', changes.delivered),
      sampled('strata_change_subscribers_fell_behind_total', 'Times a stream could not keep up and caught up from the change log', 'counter', changes.fellBehind),
      ...(fullness ? [
        sampled('strata_storage_full', 'Whether the last write was refused for want of disk space (1) until a write succeeds (0)', 'gauge', fullness.full ? 1 : 0),
        sampled('strata_storage_full_refusals_total', 'Writes refused for want of disk space', 'counter', fullness.refusals),
      ] : []),
      ...(pool ? [
        sampled('strata_storage_pool_connections', 'PostgreSQL pool: open connections', 'gauge', pool.total),
        sampled('strata_storage_pool_idle', 'PostgreSQL pool: idle connections', 'gauge', pool.idle),
        sampled('strata_storage_pool_waiting', 'PostgreSQL pool: queries waiting for a connection', 'gauge', pool.waiting),
      ] : []),
      ...(listener ? [
        sampled('strata_storage_listener_up', 'PostgreSQL LISTEN connection (schema changes and change streams of other nodes): up (1) or being made again (0)', 'gauge', listener.connected ? 1 : 0),
        sampled('strata_storage_listener_reconnects_total', 'Times the LISTEN connection was lost and made again', 'counter', listener.reconnects),
      ] : []),
      ...(lastBackup !== undefined ? [
        sampled('strata_last_backup_timestamp_seconds', 'When the last complete archive (strata backup, a workspace export) was written, Unix seconds', 'gauge', Math.floor(lastBackup / 1000)),
      ] : []),
      sampled('strata_event_loop_delay_p99_seconds', 'Event-loop delay, 99th percentile since the last scrape', 'gauge', loop.p99Seconds()),
      sampled('process_resident_memory_bytes', 'Resident memory', 'gauge', memory.rss),
      sampled('nodejs_heap_used_bytes', 'V8 heap in use', 'gauge', memory.heapUsed),
    ];
    loop.reset();
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(parts.join('\n\n') + '\n');
  });
}
