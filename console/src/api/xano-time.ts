/**
 * The Metadata API's timestamps (`2026-01-31 12:00:00+0000`) as Dates and as text for people:
 * the browser's locale and time zone, and "in 3 days" / "2 h ago" where that reads better.
 */
export function parseXanoTime(text: string | null | undefined): Date | null {
  if (!text) return null;
  const date = new Date(text.replace(' ', 'T').replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  return Number.isNaN(date.getTime()) ? null : date;
}

export function formatTime(text: string | null | undefined, fallback = '—'): string {
  const date = parseXanoTime(text);
  return date ? date.toLocaleString() : fallback;
}

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [['year', 31_536_000_000], ['month', 2_592_000_000], ['day', 86_400_000], ['hour', 3_600_000], ['minute', 60_000]];
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** "in 7 days", "3 hours ago", "now". */
export function formatRelative(date: Date, now = Date.now()): string {
  const diff = date.getTime() - now;
  for (const [unit, ms] of UNITS) {
    if (Math.abs(diff) >= ms) return relative.format(Math.round(diff / ms), unit);
  }
  return 'now';
}
