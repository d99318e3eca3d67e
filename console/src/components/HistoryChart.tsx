import { parseXanoTime } from '../api/xano-time';

export interface ChartEntry { created_at: string; status: number }

const MINUTE = 60_000;
const HOUR = 3_600_000;
const WIDTH = 720;
const HEIGHT = 140;
const PAD = { left: 36, right: 8, top: 8, bottom: 22 };

/** Minute buckets up to two hours, hour buckets beyond (a day: 24 bars; a week: 168). */
export function bucketSize(spanMs: number): number {
  return spanMs <= 2 * HOUR ? MINUTE : HOUR;
}

export interface Bucket { start: number; total: number; errors: number }

/** Counts per bucket from `from` to `to` (empty buckets included, so gaps show as gaps). */
export function bucketize(entries: ChartEntry[], from: number, to: number): { size: number; buckets: Bucket[] } {
  const size = bucketSize(to - from);
  const first = Math.floor(from / size) * size;
  const count = Math.max(1, Math.min(1000, Math.ceil((to - first) / size)));
  const buckets = Array.from({ length: count }, (_, i) => ({ start: first + i * size, total: 0, errors: 0 }));
  for (const entry of entries) {
    const at = parseXanoTime(entry.created_at)?.getTime();
    if (at === undefined) continue;
    const bucket = buckets[Math.floor((at - first) / size)];
    if (!bucket) continue;
    bucket.total++;
    if (entry.status >= 400) bucket.errors++;
  }
  return { size, buckets };
}

const label = (ms: number, size: number) => {
  const d = new Date(ms);
  return size < HOUR ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : d.toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit' });
};

/**
 * Requests and errors (4xx/5xx) over time, as stacked bars in hand-written SVG. Each bar has a
 * tooltip; the figure's label says the totals for screen readers.
 */
export function HistoryChart({ entries, from, to, partial }: { entries: ChartEntry[]; from: number; to: number; partial?: boolean }) {
  const { size, buckets } = bucketize(entries, from, to);
  const max = Math.max(1, ...buckets.map((b) => b.total));
  const total = buckets.reduce((n, b) => n + b.total, 0);
  const errors = buckets.reduce((n, b) => n + b.errors, 0);
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const barW = plotW / buckets.length;
  const y = (n: number) => PAD.top + plotH - (n / max) * plotH;
  const ticks = [0, Math.ceil(max / 2), max].filter((v, i, a) => a.indexOf(v) === i);
  const every = Math.max(1, Math.ceil(buckets.length / 6));
  const summary = `${total} requests, ${errors} errors (4xx/5xx), per ${size < HOUR ? 'minute' : 'hour'}${partial ? ', from the latest 500 requests' : ''}`;
  return (
    <figure className="history-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`Requests over time: ${summary}`} preserveAspectRatio="none">
        {ticks.map((t) => (
          <g key={t}>
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(t)} y2={y(t)} className="grid" />
            <text x={PAD.left - 4} y={y(t) + 4} textAnchor="end" className="axis">{t}</text>
          </g>
        ))}
        {buckets.map((b, i) => (
          <g key={b.start}>
            <title>{`${label(b.start, size)}: ${b.total} requests, ${b.errors} errors`}</title>
            <rect x={PAD.left + i * barW + 0.5} width={Math.max(1, barW - 1)} y={y(b.total)} height={plotH - (y(b.total) - PAD.top)} className="bar-ok" />
            {b.errors > 0 && <rect x={PAD.left + i * barW + 0.5} width={Math.max(1, barW - 1)} y={y(b.errors)} height={plotH - (y(b.errors) - PAD.top)} className="bar-error" />}
            {i % every === 0 && <text x={PAD.left + i * barW} y={HEIGHT - 6} className="axis">{label(b.start, size)}</text>}
          </g>
        ))}
      </svg>
      <figcaption className="muted">
        <span className="legend-swatch bar-ok" aria-hidden="true" /> requests <span className="legend-swatch bar-error" aria-hidden="true" /> errors · {summary}
      </figcaption>
    </figure>
  );
}
