import { StrataError } from '../../kernel/errors.js';

const badRequest = (message: string, param: string) => new StrataError('BAD_REQUEST', message, { param });
import type { HistoryCondition, HistoryField, HistoryOp, HistoryQuery } from '../../core/ports/history-store.js';

/**
 * The request-history filters: the GET endpoint's query parameters and the search body's
 * `search` in Xano's "key|op" format (`{"status|>=": 400}`, `[{"verb": "GET"}, …]`, ANDed),
 * both compiled into HistoryQuery conditions. Durations are seconds, as Xano shows them;
 * times are epoch milliseconds or any date text JavaScript parses.
 */
const FIELDS: Record<string, HistoryField> = {
  id: 'id', created_at: 'created_at', duration: 'duration', status: 'status', verb: 'verb', uri: 'uri', path: 'uri', branch: 'branch', token_id: 'token_id',
};
const OPS: Record<string, HistoryOp> = {
  '': '=', '=': '=', '==': '=', '!=': '!=', '<>': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=', in: 'in', 'not in': 'not in', like: 'like', includes: 'like',
};

export interface ListFilters {
  from?: string; to?: string; status?: number; status_min?: number; status_max?: number; verb?: string; path?: string;
  min_duration?: number; max_duration?: number; token_id?: string;
}

export function time(value: unknown, param: string): number {
  const ms = typeof value === 'number' ? value : /^\d+$/.test(String(value)) ? Number(value) : Date.parse(String(value).replace(/ ([+-]\d{4})$/, '$1'));
  if (!Number.isFinite(ms)) throw badRequest(`${param}: not a time (epoch milliseconds or a date)`, param);
  return ms;
}

function value(field: HistoryField, raw: unknown, param: string): unknown {
  if (field === 'created_at') return time(raw, param);
  if (field === 'duration') {
    if (typeof raw !== 'number') throw badRequest(`${param}: duration is a number of seconds`, param);
    return raw * 1000;
  }
  if (field === 'status' || field === 'id') {
    if (!Number.isInteger(raw)) throw badRequest(`${param}: an integer is expected`, param);
    return raw;
  }
  if (typeof raw !== 'string') throw badRequest(`${param}: text is expected`, param);
  return field === 'verb' ? raw.toUpperCase() : raw;
}

function condition(key: string, raw: unknown): HistoryCondition {
  const [name = '', opText = '', rest] = key.split('|');
  if (rest === 'or') throw badRequest(`search: "|or" is not supported in request-history search; conditions are ANDed`, `search.${key}`);
  const field = FIELDS[name];
  const op = OPS[opText.trim().toLowerCase()];
  if (!field) throw badRequest(`search: unknown field [${name}] (use ${Object.keys(FIELDS).join(', ')})`, `search.${key}`);
  if (!op) throw badRequest(`search: unknown operator [${opText}]`, `search.${key}`);
  if (op === 'in' || op === 'not in') {
    if (!Array.isArray(raw) || raw.length === 0 || raw.length > 100) throw badRequest(`search: ${op} takes a list of 1 to 100 values`, `search.${key}`);
    return { field, op, value: raw.map((v) => value(field, v, `search.${key}`)) };
  }
  if (op === 'like') {
    if (typeof raw !== 'string') throw badRequest('search: like takes text', `search.${key}`);
    // `includes` and a pattern without wildcards both mean "contains".
    return { field, op, value: raw.includes('%') ? raw : `%${raw}%` };
  }
  return { field, op, value: value(field, raw, `search.${key}`) };
}

/** Xano's search: one `{"key|op": value}` object, or an array of them (each may hold several keys). */
export function searchConditions(search: unknown): HistoryCondition[] {
  if (search === undefined || search === null) return [];
  const items = Array.isArray(search) ? search : [search];
  const out: HistoryCondition[] = [];
  for (const item of items) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw badRequest('search: each item is an object of "field|op": value', 'search');
    for (const [key, raw] of Object.entries(item)) out.push(condition(key, raw));
  }
  return out;
}

export function listConditions(q: ListFilters): HistoryCondition[] {
  const out: HistoryCondition[] = [];
  if (q.from !== undefined) out.push({ field: 'created_at', op: '>=', value: time(q.from, 'from') });
  if (q.to !== undefined) out.push({ field: 'created_at', op: '<', value: time(q.to, 'to') });
  if (q.status !== undefined) out.push({ field: 'status', op: '=', value: q.status });
  if (q.status_min !== undefined) out.push({ field: 'status', op: '>=', value: q.status_min });
  if (q.status_max !== undefined) out.push({ field: 'status', op: '<=', value: q.status_max });
  if (q.verb !== undefined) out.push({ field: 'verb', op: '=', value: q.verb.toUpperCase() });
  if (q.path !== undefined) out.push({ field: 'uri', op: 'like', value: `%${q.path}%` });
  if (q.min_duration !== undefined) out.push({ field: 'duration', op: '>=', value: q.min_duration * 1000 });
  if (q.max_duration !== undefined) out.push({ field: 'duration', op: '<=', value: q.max_duration * 1000 });
  if (q.token_id !== undefined) out.push({ field: 'token_id', op: '=', value: q.token_id });
  return out;
}

/** `{created_at: "desc"}` or `[{status: "asc"}, …]`; newest first by default. */
export function sortOf(sort: unknown): HistoryQuery['sort'] {
  if (sort === undefined || sort === null) return [{ field: 'created_at', desc: true }];
  const items = Array.isArray(sort) ? sort : [sort];
  return items.flatMap((item) => {
    if (typeof item !== 'object' || item === null) throw badRequest('sort: use {"created_at": "desc"} or a list of such objects', 'sort');
    return Object.entries(item as Record<string, unknown>).map(([name, dir]) => {
      const field = FIELDS[name];
      if (!field) throw badRequest(`sort: unknown field [${name}]`, 'sort');
      if (dir !== 'asc' && dir !== 'desc') throw badRequest(`sort: [${name}] is "asc" or "desc"`, 'sort');
      return { field, desc: dir === 'desc' };
    });
  });
}
