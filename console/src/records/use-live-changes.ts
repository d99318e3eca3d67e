import { useEffect, useRef, useState } from 'react';

export type LiveStatus = 'off' | 'connecting' | 'live' | 'reconnecting' | 'closed';

/** One change as the stream sends it (README "Live changes"). */
export interface ChangeEvent { op: 'insert' | 'update' | 'delete'; id: string; version: number | null; record: Record<string, unknown> | null }

/**
 * Subscribes to a table's change stream (SSE, the session cookie rides along) while the
 * screen is open: every change is handed to `onChange`; a `gap` (changes older than the
 * server keeps) is handed on as a change without a record, so the screen reloads. The
 * browser reconnects by itself (with Last-Event-ID) unless the server refused the stream
 * (then `closed`); closed on unmount or a new url; no url, no stream.
 */
export function useLiveChanges(url: string | null, onChange: (change: ChangeEvent | null) => void): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>('off');
  const handler = useRef(onChange);
  handler.current = onChange;
  useEffect(() => {
    if (url === null) { setStatus('off'); return; }
    setStatus('connecting');
    const source = new EventSource(url);
    source.onopen = () => setStatus('live');
    source.onerror = () => setStatus(source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
    const receive = (event: MessageEvent<string>) => {
      let change: ChangeEvent | null = null;
      try { change = JSON.parse(event.data) as ChangeEvent; } catch { /* not a change: reload all the same */ }
      handler.current(change);
    };
    for (const name of ['insert', 'update', 'delete']) source.addEventListener(name, receive);
    source.addEventListener('gap', () => handler.current(null));
    return () => source.close();
  }, [url]);
  return status;
}
