/**
 * What request history may keep of a body: secrets and file contents replaced, size capped.
 * The walk stops once its budget is spent, so a 20 MB body costs no more than a small one.
 */
const SECRET_KEY = /pass(word|wd)?$|password|secret|token|authorization|cookie|api[-_]?key|base64|file_?content/i;
// A run this long with no space or punctuation is file content (base64), even inside JSON text.
const BASE64_RUN = /[A-Za-z0-9+/=_-]{128,}/g;
const MAX_DEPTH = 16;

export const REDACTED = '[redacted]';

const TOKEN = /xau_[A-Za-z0-9_-]{8,}/g;

/** A string with what must not be stored replaced: Strata tokens and long base64 runs (file content); undefined when clean. */
function secretString(s: string): string | undefined {
  if (s.startsWith('xau_') && !s.includes(' ')) return REDACTED;
  let out = s.includes('xau_') ? s.replace(TOKEN, REDACTED) : s;
  if (out.length >= 128) out = out.replace(BASE64_RUN, (run) => `[redacted: ${run.length} characters of file content]`);
  return out === s ? undefined : out;
}

export function redactValue(value: unknown, budget: number): unknown {
  const state = { left: budget };
  return walk(value, state, 0);
}

function walk(value: unknown, state: { left: number }, depth: number): unknown {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') { state.left -= 8; return value; }
  if (typeof value === 'string') {
    const secret = secretString(value);
    if (secret) { state.left -= secret.length; return secret; }
    const kept = value.length > state.left ? `${value.slice(0, Math.max(0, state.left))}…` : value;
    state.left -= kept.length + 2;
    return kept;
  }
  if (typeof value !== 'object' || depth >= MAX_DEPTH) return undefined;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      if (state.left <= 0) { out.push('…truncated'); break; }
      out.push(walk(item, state, depth + 1));
    }
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (state.left <= 0) { out['…'] = 'truncated'; break; }
    state.left -= key.length + 4;
    out[key] = item !== null && item !== undefined && SECRET_KEY.test(key) ? REDACTED : walk(item, state, depth + 1);
  }
  return out;
}

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key']);

/** Headers as Xano lists them (`Name: value`), credentials replaced. */
export function headerLines(headers: Record<string, unknown>): string[] {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) lines.push(`${name}: ${SECRET_HEADERS.has(name.toLowerCase()) ? REDACTED : secretString(String(v)) ?? String(v)}`);
  }
  return lines;
}
