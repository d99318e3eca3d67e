import { badRequest } from '../../kernel/errors.js';

/** Token lifetimes: 7 days unless asked, from 1 hour up to never. */
export const DEFAULT_TOKEN_TTL_MS = 7 * 86_400_000;
export const MIN_TOKEN_TTL_MS = 3_600_000;
const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000, y: 365 * 86_400_000 };

/**
 * `90m`, `1h`, `12h`, `7d`, `2w`, `1y` or `never`, or a number of seconds → the expiry instant
 * from `now`, or null for never. Below one hour is refused.
 */
export function parseExpiry(value: string | number | null | undefined, now = Date.now()): Date | null {
  if (value === undefined) return new Date(now + DEFAULT_TOKEN_TTL_MS);
  if (value === null || value === 'never') return null;
  let ms: number;
  // A number of seconds, also as text (a JSON body's number may arrive coerced to a string).
  if (typeof value === 'number' || /^\d+$/.test(value.trim())) ms = Number(value) * 1000;
  else {
    const match = /^(\d+)\s*([mhdwy])$/.exec(value.trim());
    if (!match) throw badRequest(`invalid expiry [${value}]: use e.g. 1h, 7d, 2w, 1y or never`);
    ms = Number(match[1]) * UNITS[match[2]!]!;
  }
  if (!Number.isFinite(ms) || ms < MIN_TOKEN_TTL_MS) throw badRequest('a token must live at least 1 hour (or never expire)');
  const at = now + ms;
  if (at > 8.64e15) throw badRequest(`invalid expiry [${value}]`);
  return new Date(at);
}
