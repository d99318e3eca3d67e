import { pathOf, type FuzzRequest } from './fuzz-requests.js';

/**
 * Sends one fuzz request with a deadline, and keeps what a report needs. A change stream
 * that opens (its status and headers are the answer) is closed at once.
 */
export const REQUEST_TIMEOUT_MS = 15_000;

export interface FuzzAnswer { status: number; text: string; ms: number }
export interface FuzzFailure { error: string; ms: number }

export async function send(baseUrl: string, token: string, request: FuzzRequest): Promise<FuzzAnswer | FuzzFailure> {
  const started = Date.now();
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...request.headers };
  if (request.body) headers['content-type'] = request.body.contentType;
  try {
    const response = await fetch(baseUrl + pathOf(request), {
      method: request.op.method, headers, body: request.body?.text, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
      await response.body?.cancel();
      return { status: response.status, text: '(event stream)', ms: Date.now() - started };
    }
    return { status: response.status, text: await response.text(), ms: Date.now() - started };
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    return { error: `${(error as Error).name}: ${(error as Error).message}${cause ? ` (${cause})` : ''}`, ms: Date.now() - started };
  }
}

/** /health answers 200 within the deadline. */
export async function healthy(baseUrl: string, timeoutMs = 5_000): Promise<string | null> {
  try {
    const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return response.status === 200 ? null : `/health answered ${response.status}`;
  } catch (error) {
    return `/health did not answer within ${timeoutMs} ms: ${(error as Error).message}`;
  }
}
