/**
 * The console's one way to call Strata: same-origin fetch with the session cookie, the CSRF
 * token echoed on state changes (the server requires it with a cookie), and both APIs' error
 * bodies (Xata's `{message}` and `{errors}`, Xano's `{code, message, payload}`) turned into one ApiError
 * whose message is the API's own, so screens show exactly what the API said.
 */
export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly code?: string, readonly payload?: unknown) {
    super(message);
  }
}

const SAFE = new Set(['GET', 'HEAD']);
const listeners = new Set<() => void>();

/** Called when a request comes back 401: the session ended (expired, signed out elsewhere). */
export function onUnauthorized(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function csrfToken(): string | undefined {
  const match = /(?:^|;\s*)strata_csrf=([^;]*)/.exec(document.cookie);
  return match ? decodeURIComponent(match[1]) : undefined;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** A body sent as is (a File, FormData), not as JSON. */
  raw?: BodyInit;
  /** Don't report a 401 as an ended session (the login form's own failures). */
  quiet401?: boolean;
}

export async function call<T = unknown>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (!SAFE.has(method)) {
    const csrf = csrfToken();
    if (csrf) headers['x-csrf-token'] = csrf;
  }
  let payload: BodyInit | undefined = options.raw;
  if (body !== undefined && payload === undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: payload, credentials: 'same-origin', signal: options.signal });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'Strata did not answer: check that the server is running and reachable.');
  }
  const text = await response.text();
  let parsed: unknown;
  try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = text; }
  if (!response.ok) {
    const error = (parsed ?? {}) as { message?: unknown; code?: unknown; payload?: unknown; errors?: unknown };
    const message = typeof error.message === 'string' && error.message ? error.message : itemErrors(error.errors) ?? `${response.status} ${response.statusText}`;
    if (response.status === 401 && !options.quiet401) listeners.forEach((listener) => listener());
    throw new ApiError(response.status, message, typeof error.code === 'string' ? error.code : undefined, error.payload ?? error.errors);
  }
  return parsed as T;
}

/**
 * A failed transaction or bulk insert has no `message`, only its failed items (Xata's
 * `errors: [{index, message}]`, or `[{message, status}]` for bulk, whose messages name the
 * record): one line naming each, e.g. "operation 2: record [r7] not found", counted from 1
 * as a person counts (the API's `index` counts from 0).
 */
function itemErrors(errors: unknown): string | undefined {
  if (!Array.isArray(errors) || errors.length === 0) return undefined;
  return errors.map((e: { index?: unknown; message?: unknown }) => {
    const message = typeof e?.message === 'string' ? e.message : 'failed';
    return typeof e?.index === 'number' ? `operation ${e.index + 1}: ${message}` : message;
  }).join('; ');
}

/** The Metadata API (Xano dialect): `meta('GET', '/workspace')` → `/api:meta/workspace`. */
export const meta = <T = unknown>(method: string, path: string, body?: unknown, options?: RequestOptions) =>
  call<T>(method, `/api:meta${path}`, body, options);

/** The data API (Xata dialect): `data('POST', '/db/app:main/tables/t/query', {...})`. */
export const data = <T = unknown>(method: string, path: string, body?: unknown, options?: RequestOptions) =>
  call<T>(method, path, body, options);

/** A path segment, encoded (table, column and workspace names may hold any allowed character). */
export const seg = (value: string | number) => encodeURIComponent(String(value));
