import { meta } from '../api/http';
import { useApi } from '../api/use-api';
import { formatTime } from '../api/xano-time';
import { requestPath } from '../api/request-path';
import { Dialog } from './Dialog';
import { ErrorNotice } from './Notice';

export interface HistoryEntry {
  id: number; created_at: string; duration: number; status: number; verb: string; uri: string; input: unknown;
  request_headers: string[]; response_headers: string[]; workspace_id: number; branch: string | null; datasource?: string | null;
  token_id: string | null; client_ip: string | null; response_size: number | null; output?: unknown;
}

const json = (value: unknown) => (value === undefined ? '' : JSON.stringify(value, null, 2));

/** One request in full: headers, input and (fetched now, it can be large) output. */
export function HistoryDetailDialog({ workspaceId, entry, onClose }: { workspaceId: number; entry: HistoryEntry; onClose: () => void }) {
  const full = useApi(async (signal) => {
    const page = await meta<{ items: HistoryEntry[] }>('POST', `/workspace/${workspaceId}/request_history/search`, { search: { id: entry.id }, include_output: true, per_page: 1 }, { signal });
    return page.items[0];
  }, [workspaceId, entry.id]);
  const e = full.value ?? entry;
  return (
    <Dialog title={`${e.verb} ${requestPath(e.uri)}`} submitLabel="Close" onClose={onClose} onSubmit={() => {}}>
      <dl className="history-detail">
        <dt>Status</dt><dd><span className={`badge status-${Math.floor(e.status / 100)}xx`}>{e.status}</span></dd>
        <dt>Time</dt><dd>{formatTime(e.created_at)}</dd>
        <dt>Duration</dt><dd>{(e.duration * 1000).toFixed(1)} ms</dd>
        <dt>Token</dt><dd>{e.token_id ? <code>{e.token_id}</code> : <span className="muted">console session</span>}</dd>
        <dt>URI</dt><dd className="mono">{e.uri}</dd>
        <dt>Branch</dt><dd>{e.branch ?? '—'}{e.datasource && e.datasource !== 'live' ? ` (data source ${e.datasource})` : ''}</dd>
        <dt>Client</dt><dd>{e.client_ip ?? '—'}</dd>
        <dt>Response size</dt><dd>{e.response_size === null ? '—' : `${e.response_size} bytes`}</dd>
      </dl>
      <h3>Request headers</h3>
      <JsonBlock label="Request headers">{e.request_headers.join('\n') || '(none)'}</JsonBlock>
      <h3>Input</h3>
      <JsonBlock label="Input">{json(e.input) || '(none)'}</JsonBlock>
      <h3>Response headers</h3>
      <JsonBlock label="Response headers">{e.response_headers.join('\n') || '(none)'}</JsonBlock>
      <h3>Output</h3>
      <ErrorNotice error={full.error} />
      {full.loading && !full.value ? <p className="muted" role="status">Loading the output…</p> : <JsonBlock label="Output">{e.output === null || e.output === undefined ? '(not recorded)' : json(e.output)}</JsonBlock>}
    </Dialog>
  );
}

/**
 * A box of headers or JSON that scrolls when long: a named region in the tab order, so a
 * keyboard user can scroll it too (a bare <pre> can be neither focused nor named).
 */
function JsonBlock({ label, children }: { label: string; children: string }) {
  return <pre className="history-json" role="region" aria-label={label} tabIndex={0}>{children}</pre>;
}
