import { useEffect, useMemo, useState } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { meta } from '../api/http';
import { useApi } from '../api/use-api';
import { useWorkspace } from '../api/use-workspace';
import { formatTime, parseXanoTime } from '../api/xano-time';
import { requestPath } from '../api/request-path';
import { HistoryChart } from '../components/HistoryChart';
import { HistoryDetailDialog, type HistoryEntry } from '../components/HistoryDetailDialog';
import { HistoryFilters, RANGES, STATUS_CLASSES, type HistoryFilterValues } from '../components/HistoryFilters';
import { EmptyState, ErrorNotice } from '../components/Notice';
import { useDocumentTitle } from '../components/use-document-title';

interface Page<T> { curPage: number; nextPage: number | null; prevPage: number | null; items: T[] }
const PER_PAGE = 50;
/** The chart counts at most this many requests of the range (the API's largest page). */
const CHART_SAMPLE = 500;

/** The query parameters of GET …/request_history for these filters (time range from `now`). */
function historyQuery(f: HistoryFilterValues, now: number): URLSearchParams {
  const q = new URLSearchParams();
  const status = STATUS_CLASSES[f.status];
  if (status?.min !== undefined) q.set('status_min', String(status.min));
  if (status?.max !== undefined) q.set('status_max', String(status.max));
  if (f.verb) q.set('verb', f.verb);
  if (f.path.trim()) q.set('path', f.path.trim());
  const ms = RANGES[f.range]?.ms;
  if (ms !== undefined) q.set('from', String(now - ms));
  return q;
}

/**
 * A workspace's request history (both APIs): filters, a chart of requests and errors over
 * the range, a page of entries newest first, and any entry in full.
 */
export function HistoryPage() {
  const ws = useParams().ws!;
  useDocumentTitle(`Request history of ${ws}`);
  const workspace = useWorkspace(ws);
  const id = workspace.workspace?.id;
  const [params, setParams] = useSearchParams();
  const filters: HistoryFilterValues = {
    status: params.get('status') ?? '', verb: params.get('verb') ?? '', path: params.get('path') ?? '', range: params.get('range') ?? '24h',
  };
  const page = Math.max(1, Number(params.get('page')) || 1);
  // The path box filters as one types, once typing pauses.
  const [path, setPath] = useState(filters.path);
  useEffect(() => {
    const timer = setTimeout(() => { if (path !== filters.path) update({ path }); }, 300);
    return () => clearTimeout(timer);
  }); // eslint-disable-line react-hooks/exhaustive-deps
  const [refreshed, setRefreshed] = useState(() => Date.now());
  const key = `${filters.status}|${filters.verb}|${filters.path}|${filters.range}|${refreshed}`;
  const query = useMemo(() => historyQuery(filters, refreshed), [key]); // eslint-disable-line react-hooks/exhaustive-deps
  const entries = useApi(async (signal) => {
    if (id === undefined) return undefined;
    const q = new URLSearchParams(query);
    q.set('page', String(page));
    q.set('per_page', String(PER_PAGE));
    return meta<Page<HistoryEntry>>('GET', `/workspace/${id}/request_history?${q}`, undefined, { signal });
  }, [id, query, page]);
  const sample = useApi(async (signal) => {
    if (id === undefined) return undefined;
    const q = new URLSearchParams(query);
    q.set('per_page', String(CHART_SAMPLE));
    return meta<Page<HistoryEntry>>('GET', `/workspace/${id}/request_history?${q}`, undefined, { signal });
  }, [id, query]);
  const [open, setOpen] = useState<HistoryEntry | null>(null);

  function update({ page: nextPage, ...next }: Partial<HistoryFilterValues> & { page?: number }) {
    const merged = { ...filters, ...next };
    const out = new URLSearchParams();
    for (const [k, v] of Object.entries(merged)) if (v && !(k === 'range' && v === '24h')) out.set(k, String(v));
    if (nextPage && nextPage > 1) out.set('page', String(nextPage));
    setParams(out, { replace: true });
  }

  const range = RANGES[filters.range]?.ms;
  const chartEntries = sample.value?.items ?? [];
  const oldest = chartEntries.length ? parseXanoTime(chartEntries[chartEntries.length - 1]!.created_at)?.getTime() ?? refreshed : refreshed - 3_600_000;
  const from = range !== undefined ? refreshed - range : Math.min(oldest, refreshed - 3_600_000);
  const items = entries.value?.items ?? [];
  // Says when the table and the chart both show loaded data (none in flight), for tests and monitors.
  const ready = id !== undefined && entries.value !== undefined && sample.value !== undefined && !entries.loading && !sample.loading;
  return (
    <section className="page" aria-labelledby="history-title" data-ready={ready ? 'true' : undefined}>
      <div className="page-header">
        <h1 id="history-title">Request history <span className="muted">of {ws}</span></h1>
        <button type="button" onClick={() => setRefreshed(Date.now())}>Refresh</button>
      </div>
      <HistoryFilters value={{ ...filters, path }} onChange={(next) => { if (next.path !== undefined) setPath(next.path); else update({ ...next, page: 1 }); }} />
      <ErrorNotice error={workspace.error ?? entries.error ?? sample.error} />
      {sample.value && <HistoryChart entries={chartEntries} from={from} to={refreshed} partial={sample.value.nextPage !== null} />}
      {entries.value && items.length === 0 && (
        <EmptyState title={page > 1 ? 'No more requests' : 'No requests match'}>Requests to this workspace through either API appear here a moment after they are answered.</EmptyState>
      )}
      {items.length > 0 && (
        <table aria-label="Requests" className="history-table">
          <thead><tr><th scope="col">Time</th><th scope="col">Status</th><th scope="col">Method</th><th scope="col">Path</th><th scope="col">Duration</th><th scope="col">Token</th></tr></thead>
          <tbody>
            {items.map((e) => (
              <tr key={e.id}>
                <td>{formatTime(e.created_at)}</td>
                <td><span className={`badge status-${Math.floor(e.status / 100)}xx`}>{e.status}</span></td>
                <td>{e.verb}</td>
                <td className="mono history-uri"><button type="button" className="link" onClick={() => setOpen(e)} aria-label={`Details of ${e.verb} ${requestPath(e.uri)} (${e.status})`}>{requestPath(e.uri)}</button></td>
                <td>{(e.duration * 1000).toFixed(1)} ms</td>
                <td className="mono">{e.token_id ?? <span className="muted">session</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {(entries.value?.prevPage || entries.value?.nextPage) && (
        <nav className="toolbar pager" aria-label="Pages">
          <button type="button" disabled={!entries.value?.prevPage} onClick={() => update({ page: page - 1 })}>Newer</button>
          <span>Page {page}</span>
          <button type="button" disabled={!entries.value?.nextPage} onClick={() => update({ page: page + 1 })}>Older</button>
        </nav>
      )}
      {open && id !== undefined && <HistoryDetailDialog workspaceId={id} entry={open} onClose={() => setOpen(null)} />}
    </section>
  );
}
