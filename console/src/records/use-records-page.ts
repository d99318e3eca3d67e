import { useCallback, useEffect, useRef, useState } from 'react';
import { loadPage, type PageRequest, type Sort, type TableRef } from './records-api';
import type { XataRecord } from './table-columns';

const FIRST_PAGE: Array<string | undefined> = [undefined];

/**
 * One page of a table's records and how the user moves through them. Queries page by
 * cursor (each page remembers the cursor it started after, so "previous" returns exactly
 * there); a search pages by offset. A newer load supersedes an older one still in flight.
 * `refresh` reloads the page where it is without a loading state (live changes, saves).
 */
export function useRecordsPage(table: TableRef, options: { size: number; sort: Sort; filter?: unknown; search: string }) {
  const { size, sort, filter, search } = options;
  const [state, setState] = useState<{ records: XataRecord[]; cursor?: string; more: boolean; loading: boolean; error?: Error }>({ records: [], more: false, loading: true });
  const generation = useRef(0);
  const filterKey = JSON.stringify(filter ?? null);
  const tableKey = `${table.ws}:${table.branch}/${table.table}`;

  // Anything that changes the result set starts again from the first page.
  const resultKey = JSON.stringify([tableKey, size, sort, filterKey, search]);
  const [paging, setPaging] = useState<{ key: string; starts: Array<string | undefined> }>({ key: resultKey, starts: [undefined] });
  const starts = paging.key === resultKey ? paging.starts : FIRST_PAGE;
  const setStarts = (change: (s: Array<string | undefined>) => Array<string | undefined>) => setPaging({ key: resultKey, starts: change(starts) });

  const request = useCallback((): PageRequest => {
    const page = starts.length - 1;
    return search
      ? { kind: 'search', query: search, filter, size, offset: page * size }
      : { kind: 'query', filter, sort, size, after: starts[page] };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [starts, search, filterKey, sort?.column, sort?.direction, size]);

  const load = useCallback(async (quiet: boolean) => {
    const mine = ++generation.current;
    if (!quiet) setState((s) => ({ ...s, loading: true }));
    try {
      const page = await loadPage(table, request());
      if (mine === generation.current) setState({ ...page, loading: false });
    } catch (error) {
      if (mine === generation.current) setState((s) => ({ ...s, loading: false, error: error as Error }));
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tableKey, request]);

  useEffect(() => { void load(false); }, [load]);
  // Leaving the screen: answers still in flight are dropped.
  useEffect(() => () => { generation.current++; }, []);

  return {
    ...state,
    page: starts.length,
    hasPrevious: starts.length > 1,
    next: () => { if (state.more) setStarts((s) => [...s, state.cursor]); },
    previous: () => setStarts((s) => (s.length > 1 ? s.slice(0, -1) : s)),
    refresh: () => load(true),
    replaceRecord: (record: XataRecord) => setState((s) => ({ ...s, records: s.records.map((r) => (r.id === record.id ? record : r)) })),
    removeRecords: (ids: string[]) => setState((s) => ({ ...s, records: s.records.filter((r) => !ids.includes(r.id)) })),
  };
}
