import { badRequest } from '../../kernel/errors.js';
import type { PlanField } from '../../kernel/plans/select-plan.js';
import type { GroupKey } from '../../kernel/plans/group-plan.js';

/**
 * Date histogram buckets: a fixed `interval` ("90m", "1d") or a `calendarInterval` (minute …
 * year), on the wall clock of a fixed UTC offset (`timezone` "+01:00"; UTC by default).
 * A fixed offset has no daylight-saving jumps, so minutes to weeks are fixed lengths (weeks
 * start on Monday, as in ISO 8601 and Xata's search store); months, quarters and years
 * are calendar arithmetic in SQL.
 */
export interface DateBucketing {
  key(field: PlanField): GroupKey;
  /** Start of the bucket after the one starting at `start` (filling empty buckets). */
  next(start: number): number;
  /** A bucket's `$key`: RFC 3339, in UTC (`Z`) or at the requested offset. */
  format(start: number): string;
}

const DAY = 86_400_000;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: DAY };
const CALENDAR_FIXED: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: DAY, week: 7 * DAY };
const CALENDAR_MONTHS = { month: 1, quarter: 3, year: 12 } as const;
/** 1970-01-05, the first Monday after the epoch: weeks are aligned to it. */
const FIRST_MONDAY = 4 * DAY;
const MAX_INTERVAL = 1000 * 366 * DAY;
const MAX_OFFSET_MINUTES = 18 * 60;

export function parseDateBucketing(spec: { interval?: unknown; calendarInterval?: unknown; timezone?: unknown }, where: string): DateBucketing {
  const { shift, suffix } = parseTimezone(spec.timezone, where);
  const format = (start: number) => (shift === 0 ? new Date(start).toISOString() : new Date(start + shift).toISOString().slice(0, -1) + suffix);
  if ((spec.interval === undefined) === (spec.calendarInterval === undefined)) {
    throw badRequest(`${where}: give exactly one of interval and calendarInterval`);
  }
  if (spec.interval !== undefined) {
    const m = typeof spec.interval === 'string' ? /^(\d+)(d|h|m|s|ms)$/.exec(spec.interval) : null;
    const every = m ? Number(m[1]) * UNIT_MS[m[2]!]! : 0;
    if (!m || every <= 0 || every > MAX_INTERVAL) throw badRequest(`${where}: interval must be a positive number and a unit (d, h, m, s, ms) such as "1d" or "90m"`);
    return fixed(every, 0, shift, format);
  }
  const unit = spec.calendarInterval;
  if (typeof unit === 'string' && unit in CALENDAR_FIXED) return fixed(CALENDAR_FIXED[unit]!, unit === 'week' ? FIRST_MONDAY : 0, shift, format);
  if (unit === 'month' || unit === 'quarter' || unit === 'year') {
    const months = CALENDAR_MONTHS[unit];
    return {
      key: (field) => ({ kind: 'calendarBucket', field, unit, shift }),
      next(start) {
        // setUTCFullYear, not Date.UTC: Date.UTC reads years 0–99 as 1900–1999.
        const wall = new Date(start + shift);
        wall.setUTCFullYear(wall.getUTCFullYear(), wall.getUTCMonth() + months, 1);
        return wall.getTime() - shift;
      },
      format,
    };
  }
  throw badRequest(`${where}: calendarInterval must be one of minute, hour, day, week, month, quarter, year`);
}

function fixed(every: number, anchor: number, shift: number, format: (start: number) => string): DateBucketing {
  return { key: (field) => ({ kind: 'timeBucket', field, every, anchor, shift }), next: (start) => start + every, format };
}

function parseTimezone(timezone: unknown, where: string): { shift: number; suffix: string } {
  if (timezone === undefined) return { shift: 0, suffix: 'Z' };
  const m = typeof timezone === 'string' ? /^([+-])(\d\d):([0-5]\d)$/.exec(timezone) : null;
  const minutes = m ? Number(m[2]) * 60 + Number(m[3]) : Infinity;
  if (!m || minutes > MAX_OFFSET_MINUTES) throw badRequest(`${where}: timezone must be a UTC offset from -18:00 to +18:00 such as "+01:00"`);
  return { shift: (m[1] === '-' ? -1 : 1) * minutes * 60_000, suffix: timezone as string };
}
