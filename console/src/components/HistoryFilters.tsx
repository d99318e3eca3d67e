/** The request-history filters as the screen keeps them (in the URL's query, so a view can be shared). */
export interface HistoryFilterValues { status: string; verb: string; path: string; range: string }

export const STATUS_CLASSES: Record<string, { label: string; min?: number; max?: number }> = {
  '': { label: 'Any status' },
  '2xx': { label: '2xx success', min: 200, max: 299 },
  '3xx': { label: '3xx redirect', min: 300, max: 399 },
  '4xx': { label: '4xx client error', min: 400, max: 499 },
  '5xx': { label: '5xx server error', min: 500, max: 599 },
  errors: { label: 'Errors (4xx and 5xx)', min: 400, max: 599 },
};
export const RANGES: Record<string, { label: string; ms?: number }> = {
  '15m': { label: 'Last 15 minutes', ms: 15 * 60_000 },
  '1h': { label: 'Last hour', ms: 3_600_000 },
  '24h': { label: 'Last 24 hours', ms: 86_400_000 },
  '7d': { label: 'Last 7 days', ms: 7 * 86_400_000 },
  all: { label: 'All time' },
};
const VERBS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

export function HistoryFilters({ value, onChange }: { value: HistoryFilterValues; onChange: (next: Partial<HistoryFilterValues>) => void }) {
  return (
    <form className="toolbar history-filters" role="search" aria-label="Filter requests" onSubmit={(e) => e.preventDefault()}>
      <label>Status
        <select value={value.status} onChange={(e) => onChange({ status: e.target.value })}>
          {Object.entries(STATUS_CLASSES).map(([k, v]) => <option key={k} value={k}>{v.label}</option>)}
        </select>
      </label>
      <label>Method
        <select value={value.verb} onChange={(e) => onChange({ verb: e.target.value })}>
          <option value="">Any method</option>
          {VERBS.map((v) => <option key={v} value={v}>{v}</option>)}
        </select>
      </label>
      <label>Path contains
        <input type="search" value={value.path} onChange={(e) => onChange({ path: e.target.value })} placeholder="/tables/posts" />
      </label>
      <label>Time range
        <select value={value.range} onChange={(e) => onChange({ range: e.target.value })}>
          {Object.entries(RANGES).map(([k, v]) => <option key={k} value={k}>{v.label}</option>)}
        </select>
      </label>
    </form>
  );
}
