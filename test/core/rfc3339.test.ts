import { describe, expect, it } from 'vitest';
import { rfc3339 } from '../../src/core/records/rfc3339.js';

/** The cached-day formatter must give exactly what Date#toISOString gives, for every input. */
describe('rfc3339', () => {
  const same = (ms: number) => expect(rfc3339(ms), String(ms)).toBe(new Date(ms).toISOString());

  it('matches toISOString at the edges: epoch, day and year boundaries, leap days, the year 9999 limit', () => {
    const edges = [0, 1, 9, 10, 99, 100, 999, 1000, 59_999, 3_599_999, 86_399_999, 86_400_000, Date.UTC(2000, 1, 29, 23, 59, 59, 999),
      Date.UTC(2024, 11, 31, 23, 59, 59, 999), Date.UTC(2025, 0, 1), 253_402_300_799_999, 253_402_300_800_000, 8.64e15];
    for (const ms of edges) same(ms);
  });

  it('matches toISOString outside the fast range and for fractions (before 1970, before year 0, fractional ms)', () => {
    for (const ms of [-1, -86_400_001, Date.UTC(-1, 0, 1), -8.64e15, 1.5, 1_700_000_000_000.7, -0.5]) same(ms);
  });

  it('matches toISOString on 200 000 values that alternate between days (the cached days are replaced all the time)', () => {
    let seed = 42;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
    for (let i = 0; i < 200_000; i++) same(Math.floor((next() / 2 ** 31) * 253_402_300_800_000) + (i % 3) - 1);
  });

  it('throws the same RangeError as toISOString for values no Date can hold', () => {
    for (const ms of [NaN, Infinity, -Infinity, 8.64e15 + 1]) expect(() => rfc3339(ms)).toThrow(RangeError);
  });
});
