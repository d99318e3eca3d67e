import type { HistoryBranches } from '../../core/history/history-branches.js';
import type { HistoryRow } from '../../core/ports/history-store.js';
import { xanoTime } from '../meta-api/params.js';

/**
 * A request-history entry as the Metadata API shows it: Xano's documented item (S-2025/S-2026:
 * id, created_at, duration, status, verb, uri, input, request_headers, response_headers,
 * workspace_id, branch_id, api_id, query_id), the branch label and sizes tools print
 * (kobylinski/xano-cli reads branch, input_size, output_size), then Strata's own fields.
 * `uri` is absolute, as Xano's is (tools do `new URL(item.uri)`); entries recorded before it was
 * are completed with the base this answer is built for.
 */
export function historyEntryView(row: HistoryRow & { id: number }, branches: HistoryBranches, base: string, includeOutput: boolean) {
  const place = branches.place(row.branch);
  return {
    id: row.id, created_at: xanoTime(new Date(row.createdAt).toISOString()), duration: row.durationMs / 1000, status: row.status,
    verb: row.verb, uri: row.uri.startsWith('/') ? `${base}${row.uri}` : row.uri, input: row.input === null ? {} : JSON.parse(row.input),
    request_headers: JSON.parse(row.requestHeaders) as string[], response_headers: JSON.parse(row.responseHeaders) as string[],
    workspace_id: row.workspaceId, branch_id: place.branch_id,
    // Strata serves no API groups or endpoints: no request belongs to one.
    api_id: 0, query_id: 0,
    branch: place.branch, datasource: place.datasource,
    input_size: row.input === null ? 0 : Buffer.byteLength(row.input), output_size: row.responseSize,
    token_id: row.tokenId, client_ip: row.clientIp, response_size: row.responseSize,
    ...(includeOutput ? { output: row.output === null ? null : JSON.parse(row.output) } : {}),
  };
}
