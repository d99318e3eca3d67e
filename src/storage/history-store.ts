import { sql, type Kysely } from 'kysely';

import type { HistoryField, HistoryQuery, HistoryRow, HistoryStore } from '../core/ports/history-store.js';

/**
 * Request history rows, one Kysely implementation for both engines. On SQLite the table
 * lives in its own file (`history.db`), so recording never competes with data writes for a
 * writer; on PostgreSQL it is `strata.request_history`.
 */
const COLUMNS: Record<HistoryField, string> = {
  id: 'id', created_at: 'created_at', duration: 'duration_ms', status: 'status', verb: 'verb', uri: 'uri', branch: 'branch', token_id: 'token_id',
};

export class KyselyHistoryStore implements HistoryStore {
  /** `reader` serves searches (on SQLite a read-only connection, so a flush never blocks them). */
  constructor(private readonly writer: Kysely<any>, private readonly reader: Kysely<any>) {}

  async insert(rows: HistoryRow[]): Promise<void> {
    if (rows.length === 0) return;
    const values = rows.map((r) => ({
      workspace_id: r.workspaceId, created_at: r.createdAt, duration_ms: r.durationMs, status: r.status, verb: r.verb, uri: r.uri,
      branch: r.branch, token_id: r.tokenId, client_ip: r.clientIp, input: r.input, request_headers: r.requestHeaders,
      response_headers: r.responseHeaders, response_size: r.responseSize, output: r.output,
    }));
    // One statement per 200 rows: one transaction's worth without hitting parameter limits.
    await this.writer.transaction().execute(async (trx) => {
      for (let i = 0; i < values.length; i += 200) await trx.insertInto('request_history').values(values.slice(i, i + 200)).execute();
    });
  }

  async search(q: HistoryQuery): Promise<Array<HistoryRow & { id: number }>> {
    let query = this.reader.selectFrom('request_history').where('workspace_id', '=', q.workspaceId);
    for (const c of q.where) {
      const column = COLUMNS[c.field];
      if (c.op === 'like') query = query.where(sql`lower(${sql.ref(column)})`, 'like', String(c.value).toLowerCase());
      else query = query.where(column, c.op, c.value as never);
    }
    for (const s of q.sort) query = query.orderBy(COLUMNS[s.field], s.desc ? 'desc' : 'asc');
    query = query.orderBy('id', q.sort[0]?.desc === false ? 'asc' : 'desc');
    const columns = ['id', 'workspace_id', 'created_at', 'duration_ms', 'status', 'verb', 'uri', 'branch', 'token_id', 'client_ip',
      'input', 'request_headers', 'response_headers', 'response_size', ...(q.includeOutput ? ['output'] : [])];
    const rows = await query.select(columns as never[]).limit(q.limit).offset(q.offset).execute() as Array<Record<string, any>>;
    return rows.map((r) => ({
      id: Number(r.id), workspaceId: Number(r.workspace_id), createdAt: Number(r.created_at), durationMs: Number(r.duration_ms),
      status: Number(r.status), verb: r.verb, uri: r.uri, branch: r.branch, tokenId: r.token_id, clientIp: r.client_ip, input: r.input,
      requestHeaders: r.request_headers, responseHeaders: r.response_headers, responseSize: Number(r.response_size), output: r.output ?? null,
    }));
  }

  async prune(opts: { before: number; keep: number }): Promise<number> {
    let deleted = 0;
    const old = await this.writer.deleteFrom('request_history').where('created_at', '<', opts.before).executeTakeFirst();
    deleted += Number(old.numDeletedRows ?? 0n);
    const crowded = await this.writer.selectFrom('request_history').select(['workspace_id', sql<number>`count(*)`.as('n')])
      .groupBy('workspace_id').having(sql`count(*)`, '>', opts.keep).execute();
    for (const { workspace_id: ws } of crowded) {
      // The id of the oldest entry to keep; everything of this workspace below it goes.
      const edge = await this.writer.selectFrom('request_history').select('id').where('workspace_id', '=', ws)
        .orderBy('id', 'desc').limit(1).offset(opts.keep - 1).executeTakeFirst();
      if (!edge) continue;
      const r = await this.writer.deleteFrom('request_history').where('workspace_id', '=', ws).where('id', '<', edge.id).executeTakeFirst();
      deleted += Number(r.numDeletedRows ?? 0n);
    }
    return deleted;
  }
}
