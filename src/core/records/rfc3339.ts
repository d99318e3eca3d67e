/**
 * Millisecond timestamps as RFC 3339 UTC text, byte for byte what `Date#toISOString` gives
 * (`2026-11-21T11:28:37.042Z`). Records carry two or three timestamps each and a page of
 * them shares a few days, so the date part is formatted once per day (a small cache of recent
 * days) and the time part with arithmetic: about 5× cheaper than a Date and its toISOString per value.
 * Anything outside years 1970–9999 or not an integer goes through toISOString as before
 * (which also keeps its RangeError for non-finite values).
 */
const DAY_MS = 86_400_000;
/** 10000-01-01T00:00:00Z: toISOString switches to six-digit years there. */
const FAST_LIMIT = 253_402_300_800_000;

/**
 * Date parts by day number, direct-mapped: a record's own timestamps (created, updated) and
 * its datetime columns usually fall on different days, so one slot would miss on every value.
 */
const SLOTS = 64;
const slotDays = new Float64Array(SLOTS).fill(-1);
const slotTexts: string[] = new Array<string>(SLOTS).fill('');

const two = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

export function rfc3339(ms: number): string {
  if (!(ms >= 0 && ms < FAST_LIMIT) || !Number.isInteger(ms)) return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY_MS);
  const slot = day & (SLOTS - 1);
  if (slotDays[slot] !== day) {
    slotTexts[slot] = new Date(day * DAY_MS).toISOString().slice(0, 11);
    slotDays[slot] = day;
  }
  let rest = ms - day * DAY_MS;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  return `${slotTexts[slot]}${two(hours)}:${two(minutes)}:${two(seconds)}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}
