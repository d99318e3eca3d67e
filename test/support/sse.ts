/** A Server-Sent Events client over fetch, for tests: collects events, waits with a deadline. */
export interface SseEvent { id?: string; event: string; data: any }

export interface SseStream {
  status: number;
  events: SseEvent[];
  /** Resolves once `count` events (of any kind) arrived; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<SseEvent[]>;
  /** Stops reading without closing (the server's buffers fill up). */
  pause(): void;
  resume(): void;
  close(): void;
}

/** `token` '' sends no Authorization header at all (a browser's EventSource with a session cookie). */
export async function openSse(url: string, token: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const abort = new AbortController();
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const response = await fetch(url, { headers: { ...auth, accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const events: SseEvent[] = [];
  let connected = false;
  let paused = false;
  let wake: (() => void) | undefined;
  const stream: SseStream = {
    status: response.status,
    events,
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (events.length < count) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} events; got ${events.length}: ${JSON.stringify(events.slice(-3))}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return events.slice(0, count);
    },
    pause() { paused = true; },
    resume() { paused = false; wake?.(); },
    close() { abort.abort(); },
  };
  if (response.status !== 200 || !response.body) return stream;
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let resolveConnected!: () => void;
  const connectedPromise = new Promise<void>((r) => { resolveConnected = r; });
  void (async () => {
    try {
      for (;;) {
        while (paused) await new Promise<void>((r) => { wake = r; });
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.includes(': connected')) { connected = true; resolveConnected(); }
          const fields: Record<string, string> = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const colon = line.indexOf(':');
            if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 1).trimStart();
          }
          if (fields.data !== undefined) events.push({ id: fields.id, event: fields.event ?? 'message', data: JSON.parse(fields.data) });
        }
      }
    } catch { /* aborted */ }
  })();
  // The server writes `: connected` once the subscription is registered.
  await Promise.race([connectedPromise, new Promise((_, reject) => setTimeout(() => reject(new Error('stream did not connect')), 10_000))]);
  void connected;
  return stream;
}
