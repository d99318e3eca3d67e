/**
 * What request history may keep of a body: secrets and file contents replaced, size capped.
 * The walk stops once its budget is spent, so a 20 MB body costs no more than a small one.
 * Secrets are known two ways: by the schema (`secretKeys`: the names of the branch's password
 * and sensitive columns, whatever they are called, at any depth — bulk items, patches,
 * transactions' operations, filters, expanded links in an output) and, as a second line, by
 * key names that look like credentials.
 */
const SECRET_KEY = /pass(word|wd)?$|password|passcode|passphrase|secret|token|authorization|cookie|api[-_]?key|base64|file_?content|(^|[-_.])(pin|otp|totp|mfa)([-_.]|code|$)|one[-_]?time|pin[-_]?code/i;
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

/** Secret column names, by the schema; empty when the request names no branch (or no such columns exist). */
export type SecretKeys = ReadonlySet<string>;
const NONE: SecretKeys = new Set();

export function redactValue(value: unknown, budget: number, secretKeys: SecretKeys = NONE): unknown {
  const state = { left: budget, secretKeys };
  return walk(value, state, 0);
}

interface WalkState { left: number; readonly secretKeys: SecretKeys }

/** Whether a key holds a secret: a secret column (also as Xano's `column|op` search key), or a credential-like name. */
function isSecretKey(key: string, secretKeys: SecretKeys): boolean {
  if (secretKeys.size > 0 && (secretKeys.has(key) || (key.includes('|') && secretKeys.has(key.slice(0, key.indexOf('|')))))) return true;
  return SECRET_KEY.test(key);
}

/** Xano's search format B compares a column (`left.operand`) with a value (`right`): the value of a secret column is a secret. */
function comparesSecret(statement: Record<string, unknown>, secretKeys: SecretKeys): boolean {
  const left = statement.left as { operand?: unknown } | null | undefined;
  return secretKeys.size > 0 && typeof left === 'object' && left !== null && typeof left.operand === 'string' && secretKeys.has(left.operand);
}

/**
 * JSON text (the data API sends json columns as text) is walked as what it holds, so its keys
 * are redacted like any other; undefined when the string is not JSON or exceeds the budget.
 */
function jsonText(value: string, state: WalkState, depth: number): string | undefined {
  const first = value.charCodeAt(0);
  if ((first !== 123 /* { */ && first !== 91 /* [ */) || value.length > state.left) return undefined;
  let parsed: unknown;
  try { parsed = JSON.parse(value); } catch { return undefined; }
  return typeof parsed === 'object' && parsed !== null ? JSON.stringify(walk(parsed, state, depth + 1)) : undefined;
}

function walk(value: unknown, state: WalkState, depth: number): unknown {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') { state.left -= 8; return value; }
  if (typeof value === 'string') {
    const nested = jsonText(value, state, depth);
    if (nested !== undefined) return nested;
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
  const object = value as Record<string, unknown>;
  for (const [key, item] of Object.entries(object)) {
    if (state.left <= 0) { out['…'] = 'truncated'; break; }
    state.left -= key.length + 4;
    const secret = item !== null && item !== undefined && (isSecretKey(key, state.secretKeys) || (key === 'right' && comparesSecret(object, state.secretKeys)));
    out[key] = secret ? REDACTED : walk(item, state, depth + 1);
  }
  return out;
}

// Credentials by name (the console's CSRF token is one: with the session cookie it acts as the
// signed-in account), plus any header whose name says it carries one (x-auth-token, x-session-id…).
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'x-csrf-token']);
const SECRET_HEADER_NAME = /auth|token|secret|session|api[-_]?key|csrf|xsrf|cookie|password/;

const isSecretHeader = (name: string): boolean => SECRET_HEADERS.has(name) || SECRET_HEADER_NAME.test(name);

/** Headers as Xano lists them (`Name: value`), credentials replaced. */
export function headerLines(headers: Record<string, unknown>): string[] {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    const secret = isSecretHeader(name.toLowerCase());
    for (const v of values) lines.push(`${name}: ${secret ? REDACTED : secretString(String(v)) ?? String(v)}`);
  }
  return lines;
}
