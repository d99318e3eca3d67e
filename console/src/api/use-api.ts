import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * Loads something for a screen: `{value, error, loading, reload}`. A newer load (changed
 * dependencies or reload) aborts an older one still in flight, so a slow answer never
 * overwrites a fresh one; leaving the screen aborts too.
 */
export function useApi<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]) {
  const [state, setState] = useState<{ value?: T; error?: Error; loading: boolean }>({ loading: true });
  const inFlight = useRef<AbortController | null>(null);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const run = useCallback(load, deps);
  const reload = useCallback(async () => {
    inFlight.current?.abort();
    const controller = new AbortController();
    inFlight.current = controller;
    setState((s) => ({ ...s, loading: true }));
    try {
      const value = await run(controller.signal);
      if (!controller.signal.aborted) setState({ value, loading: false });
    } catch (error) {
      if (!controller.signal.aborted) setState((s) => ({ value: s.value, error: error as Error, loading: false }));
    }
  }, [run]);
  useEffect(() => {
    void reload();
    return () => inFlight.current?.abort();
  }, [reload]);
  return { ...state, reload };
}
