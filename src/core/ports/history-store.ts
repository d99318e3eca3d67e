/** Request history as core records and searches it; storage/history-store.ts implements it for both engines. */
export interface HistoryRow {
  workspaceId: number;
  /** Epoch milliseconds. */
  createdAt: number;
  durationMs: number;
  status: number;
  verb: string;
  uri: string;
  branch: string | null;
  tokenId: string | null;
  clientIp: string | null;
  /** JSON texts, already redacted and capped. */
  input: string | null;
  requestHeaders: string;
  responseHeaders: string;
  responseSize: number;
  output: string | null;
}

export type HistoryField = 'id' | 'created_at' | 'duration' | 'status' | 'verb' | 'uri' | 'branch' | 'token_id';
export type HistoryOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not in' | 'like';
export interface HistoryCondition { field: HistoryField; op: HistoryOp; value: unknown }

export interface HistoryQuery {
  workspaceId: number;
  where: HistoryCondition[];
  sort: Array<{ field: HistoryField; desc: boolean }>;
  offset: number;
  limit: number;
  includeOutput: boolean;
}

export interface HistoryStore {
  insert(rows: HistoryRow[]): Promise<void>;
  search(query: HistoryQuery): Promise<Array<HistoryRow & { id: number }>>;
  /** Deletes entries older than `before` and, per workspace, all but the newest `keep`; answers how many went. */
  prune(opts: { before: number; keep: number }): Promise<number>;
}
