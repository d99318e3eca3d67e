import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { percentileKey, xataPercentile } from '../../src/kernel/percentile.js';
import { expectError } from '../support/data-api-errors.js';

/**
 * Analytics over real HTTP on every engine: POST /tables/{t}/summarize, /aggregate and
 * /vectorSearch against one seeded table, with the exact numbers each must answer.
 */

const BRANCH = '/db/shop:main';
const SALES = `${BRANCH}/tables/sales`;

const teams = [
  { id: 'red', name: 'Red', city: 'Oslo' },
  { id: 'blue', name: 'Blue', city: 'Rome' },
  { id: 'green', name: 'Green', city: 'Oslo' },
];

// Prices are multiples of 1/4, so sums and averages are exact in binary on both engines.
const sales = [
  { id: 's1', product: 'lamp', region: 'north', qty: 2, price: 10.5, soldAt: '2024-01-15T10:00:00Z', tags: ['a', 'b'], active: true, team: 'red', embedding: [1, 0, 0] },
  { id: 's2', product: 'lamp', region: 'south', qty: 4, price: 12.25, soldAt: '2024-01-31T23:30:00Z', tags: ['a'], active: true, team: 'red', embedding: [1, 1.2, 0] },
  { id: 's3', product: 'desk', region: 'north', qty: 1, price: 100, soldAt: '2024-02-01T00:30:00Z', tags: ['b', 'c'], active: false, team: 'blue', embedding: [0, 1, 0] },
  { id: 's4', product: 'desk', qty: 3, price: 90.5, soldAt: '2024-03-10T12:00:00Z', tags: [], active: true, team: 'blue', embedding: [10, 0.5, 0] },
  { id: 's5', product: 'chair', region: 'south', qty: 10, price: 25, soldAt: '2024-03-31T22:59:00Z', tags: ['c'], active: true, team: 'green', embedding: [1.5, 0.5, 0.5] },
  { id: 's6', product: 'chair', region: 'south', qty: 6, price: 30.75, soldAt: '2024-04-01T08:00:00Z', active: false },
  { id: 's7', product: 'lamp', region: 'north', qty: 5, price: 11, soldAt: '2023-12-31T23:45:00Z', tags: ['a', 'd'], active: true, team: 'green', embedding: [-1, 0, 0] },
  { id: 's8', product: 'rug', notes: 'no sale yet' },
];
const PRICES = [10.5, 12.25, 100, 90.5, 25, 30.75, 11];

describeEachEngine('analytics: summarize, aggregate, vectorSearch', (engine) => {
  let s: RunningStrata;
  const post = (op: string, body: unknown) => s.request('POST', `${SALES}/${op}`, body);
  const aggregate = async (aggs: unknown, filter?: unknown) => {
    const res = await post('aggregate', { aggs, ...(filter ? { filter } : {}) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.aggs;
  };
  const summarize = async (body: unknown) => {
    const res = await post('summarize', body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.summaries;
  };

  beforeAll(async () => {
    s = await startStrata(engine);
    expect((await s.request('PUT', '/workspaces/local/dbs/shop', { region: 'local' })).status).toBe(201);
    expect((await s.request('PUT', `${BRANCH}/tables/teams`, { columns: [{ name: 'name', type: 'string' }, { name: 'city', type: 'string' }] })).status).toBe(201);
    const created = await s.request('PUT', `${BRANCH}/tables/sales`, {
      columns: [
        { name: 'product', type: 'string' }, { name: 'region', type: 'string' }, { name: 'qty', type: 'int' },
        { name: 'price', type: 'float' }, { name: 'soldAt', type: 'datetime' }, { name: 'tags', type: 'multiple' },
        { name: 'active', type: 'bool' }, { name: 'team', type: 'link', link: { table: 'teams' } },
        { name: 'embedding', type: 'vector', vector: { dimension: 3 } }, { name: 'notes', type: 'text' }, { name: 'meta', type: 'json' },
      ],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    for (const team of teams) expect((await s.request('POST', `${BRANCH}/tables/teams/data`, team)).status).toBe(201);
    for (const sale of sales) expect((await s.request('POST', `${SALES}/data`, sale)).status).toBe(201);
  });
  afterAll(async () => { await s?.close(); });

  describe('aggregate', () => {
    it('counts (all and filtered), sums, averages, min and max of numbers and dates', async () => {
      const aggs = await aggregate({
        total: { count: '*' },
        active: { count: { filter: { active: true } } },
        all: { count: {} },
        qty: { sum: { column: 'qty' } },
        revenue: { sum: { column: 'price' } },
        avgQty: { average: { column: 'qty' } },
        avgPrice: { average: { column: 'price' } },
        minQty: { min: { column: 'qty' } },
        maxPrice: { max: { column: 'price' } },
        firstSale: { min: { column: 'soldAt' } },
        lastSale: { max: { column: 'soldAt' } },
      });
      expect(aggs).toEqual({
        total: 8, active: 5, all: 8, qty: 31, revenue: 280, avgQty: expect.closeTo(31 / 7, 12), avgPrice: 40, minQty: 1, maxPrice: 100,
        // Aggregation results are numbers: datetimes as epoch milliseconds.
        firstSale: Date.parse('2023-12-31T23:45:00Z'), lastSale: Date.parse('2024-04-01T08:00:00Z'),
      });
    });

    it('applies the request filter (link sub-columns included) to every aggregation', async () => {
      expect(await aggregate({ n: { count: '*' }, qty: { sum: { column: 'qty' } } }, { 'team.city': 'Oslo' })).toEqual({ n: 4, qty: 21 });
      // Nothing matches: counts are 0, a sum is 0, min/max/average are null.
      expect(await aggregate({ n: { count: '*' }, qty: { sum: { column: 'qty' } }, lo: { min: { column: 'qty' } }, avg: { average: { column: 'qty' } } }, { product: 'sofa' }))
        .toEqual({ n: 0, qty: 0, lo: null, avg: null });
    });

    it('without aggs answers the record count, as Xata does', async () => {
      const res = await post('aggregate', {});
      expect(res.body).toEqual({ aggs: { count: 8 } });
    });

    it('percentiles follow Xata (Elasticsearch TDigest) exactly: interpolation at rank n·q − ½, the same on both engines', async () => {
      const aggs = await aggregate({ p: { percentiles: { column: 'price', percentiles: [0, 10, 25, 50, 90, 99.5, 100] } } });
      // Sorted prices 10.5, 11, 12.25, 25, 30.75, 90.5, 100: rank 7·q − ½ between neighbours, clamped to the ends.
      expect(aggs.p.values).toEqual({
        '0.0': 10.5, '10.0': xataPercentile(PRICES, 10), '25.0': 11.3125, '50.0': 25, '90.0': xataPercentile(PRICES, 90), '99.5': 100, '100.0': 100,
      });
      expect(aggs.p.values['10.0']).toBeCloseTo(10.6, 10);
      expect(aggs.p.values['90.0']).toBeCloseTo(98.1, 10);
      const none = await aggregate({ p: { percentiles: { column: 'price', percentiles: [50] } } }, { product: 'rug' });
      expect(none).toEqual({ p: { values: { '50.0': null } } });
      const one = await aggregate({ p: { percentiles: { column: 'price', percentiles: [10, 90] } } }, { product: 'chair', region: 'south', qty: 10 });
      expect(one).toEqual({ p: { values: { '10.0': 25, '90.0': 25 } } });
    });

    it('uniqueCount counts distinct values exactly', async () => {
      expect(await aggregate({ products: { uniqueCount: { column: 'product' } }, regions: { uniqueCount: { column: 'region', precisionThreshold: 100 } }, teams: { uniqueCount: { column: 'team' } } }))
        .toEqual({ products: 4, regions: 2, teams: 3 });
    });

    it('topValues: by count, ties by value, size; on strings, booleans, links and multiple (per element)', async () => {
      const aggs = await aggregate({
        products: { topValues: { column: 'product' } },
        top2: { topValues: { column: 'product', size: 2 } },
        flags: { topValues: { column: 'active' } },
        byTeam: { topValues: { column: 'team' } },
        qty: { topValues: { column: 'qty', size: 2 } },
        tags: { topValues: { column: 'tags' } },
      });
      expect(aggs.products.values).toEqual([{ $key: 'lamp', $count: 3 }, { $key: 'chair', $count: 2 }, { $key: 'desk', $count: 2 }, { $key: 'rug', $count: 1 }]);
      expect(aggs.top2.values).toEqual([{ $key: 'lamp', $count: 3 }, { $key: 'chair', $count: 2 }]);
      expect(aggs.flags.values).toEqual([{ $key: 'true', $count: 5 }, { $key: 'false', $count: 2 }]);
      expect(aggs.byTeam.values).toEqual([{ $key: 'blue', $count: 2 }, { $key: 'green', $count: 2 }, { $key: 'red', $count: 2 }]);
      expect(aggs.qty.values).toEqual([{ $key: 1, $count: 1 }, { $key: 2, $count: 1 }]);
      expect(aggs.tags.values).toEqual([{ $key: 'a', $count: 3 }, { $key: 'b', $count: 2 }, { $key: 'c', $count: 2 }, { $key: 'd', $count: 1 }]);
    });

    it('dateHistogram by calendar month in UTC and in other time zones (empty months listed)', async () => {
      const month = (timezone?: string) => aggregate({ m: { dateHistogram: { column: 'soldAt', calendarInterval: 'month', ...(timezone ? { timezone } : {}) } } });
      expect((await month()).m.values).toEqual([
        { $key: '2023-12-01T00:00:00.000Z', $count: 1 }, { $key: '2024-01-01T00:00:00.000Z', $count: 2 }, { $key: '2024-02-01T00:00:00.000Z', $count: 1 },
        { $key: '2024-03-01T00:00:00.000Z', $count: 2 }, { $key: '2024-04-01T00:00:00.000Z', $count: 1 },
      ]);
      // +01:00: 2023-12-31T23:45Z is January there, 2024-01-31T23:30Z is February.
      expect((await month('+01:00')).m.values).toEqual([
        { $key: '2024-01-01T00:00:00.000+01:00', $count: 2 }, { $key: '2024-02-01T00:00:00.000+01:00', $count: 2 },
        { $key: '2024-03-01T00:00:00.000+01:00', $count: 2 }, { $key: '2024-04-01T00:00:00.000+01:00', $count: 1 },
      ]);
      // -05:00: both February sales are still January there, so February is empty — and listed.
      expect((await month('-05:00')).m.values).toEqual([
        { $key: '2023-12-01T00:00:00.000-05:00', $count: 1 }, { $key: '2024-01-01T00:00:00.000-05:00', $count: 3 }, { $key: '2024-02-01T00:00:00.000-05:00', $count: 0 },
        { $key: '2024-03-01T00:00:00.000-05:00', $count: 2 }, { $key: '2024-04-01T00:00:00.000-05:00', $count: 1 },
      ]);
    });

    it('dateHistogram by quarter, year, week (Mondays) and fixed intervals', async () => {
      const aggs = await aggregate({
        q: { dateHistogram: { column: 'soldAt', calendarInterval: 'quarter' } },
        y: { dateHistogram: { column: 'soldAt', calendarInterval: 'year' } },
        w: { dateHistogram: { column: 'soldAt', calendarInterval: 'week' } },
      });
      expect(aggs.q.values).toEqual([{ $key: '2023-10-01T00:00:00.000Z', $count: 1 }, { $key: '2024-01-01T00:00:00.000Z', $count: 5 }, { $key: '2024-04-01T00:00:00.000Z', $count: 1 }]);
      expect(aggs.y.values).toEqual([{ $key: '2023-01-01T00:00:00.000Z', $count: 1 }, { $key: '2024-01-01T00:00:00.000Z', $count: 6 }]);
      // 2023-12-25 to 2024-04-01: 15 Monday-to-Sunday weeks, the empty ones included.
      expect(aggs.w.values).toHaveLength(15);
      expect(aggs.w.values.filter((b: any) => b.$count > 0)).toEqual([
        { $key: '2023-12-25T00:00:00.000Z', $count: 1 }, { $key: '2024-01-15T00:00:00.000Z', $count: 1 }, { $key: '2024-01-29T00:00:00.000Z', $count: 2 },
        { $key: '2024-03-04T00:00:00.000Z', $count: 1 }, { $key: '2024-03-25T00:00:00.000Z', $count: 1 }, { $key: '2024-04-01T00:00:00.000Z', $count: 1 },
      ]);
      expect(aggs.w.values[1]).toEqual({ $key: '2024-01-01T00:00:00.000Z', $count: 0 });

      const filter = { soldAt: { $ge: '2024-01-31T00:00:00Z', $lt: '2024-02-02T00:00:00Z' } };
      const days = await aggregate({ utc: { dateHistogram: { column: 'soldAt', interval: '1d' } }, paris: { dateHistogram: { column: 'soldAt', interval: '1d', timezone: '+01:00' } }, halfDays: { dateHistogram: { column: 'soldAt', interval: '12h' } } }, filter);
      expect(days.utc.values).toEqual([{ $key: '2024-01-31T00:00:00.000Z', $count: 1 }, { $key: '2024-02-01T00:00:00.000Z', $count: 1 }]);
      expect(days.paris.values).toEqual([{ $key: '2024-02-01T00:00:00.000+01:00', $count: 2 }]);
      expect(days.halfDays.values).toEqual([{ $key: '2024-01-31T12:00:00.000Z', $count: 1 }, { $key: '2024-02-01T00:00:00.000Z', $count: 1 }]);
    });

    it('numericHistogram with interval and offset (empty buckets listed)', async () => {
      const aggs = await aggregate({ h: { numericHistogram: { column: 'price', interval: 25 } }, shifted: { numericHistogram: { column: 'price', interval: 25, offset: 5 } } });
      expect(aggs.h.values).toEqual([{ $key: 0, $count: 3 }, { $key: 25, $count: 2 }, { $key: 50, $count: 0 }, { $key: 75, $count: 1 }, { $key: 100, $count: 1 }]);
      expect(aggs.shifted.values).toEqual([{ $key: 5, $count: 4 }, { $key: 30, $count: 1 }, { $key: 55, $count: 0 }, { $key: 80, $count: 2 }]);
    });

    it('nested sub-aggregations: metrics and buckets inside buckets', async () => {
      const aggs = await aggregate({
        byProduct: {
          topValues: {
            column: 'product',
            aggs: {
              qty: { sum: { column: 'qty' } },
              avgPrice: { average: { column: 'price' } },
              p50: { percentiles: { column: 'price', percentiles: [50] } },
              activeOnes: { count: { filter: { active: true } } },
              byMonth: { dateHistogram: { column: 'soldAt', calendarInterval: 'month' } },
            },
          },
        },
      });
      expect(aggs.byProduct.values).toEqual([
        { $key: 'lamp', $count: 3, qty: 11, avgPrice: 11.25, p50: { values: { '50.0': 11 } }, activeOnes: 3, byMonth: { values: [{ $key: '2023-12-01T00:00:00.000Z', $count: 1 }, { $key: '2024-01-01T00:00:00.000Z', $count: 2 }] } },
        { $key: 'chair', $count: 2, qty: 16, avgPrice: 27.875, p50: { values: { '50.0': 27.875 } }, activeOnes: 1, byMonth: { values: [{ $key: '2024-03-01T00:00:00.000Z', $count: 1 }, { $key: '2024-04-01T00:00:00.000Z', $count: 1 }] } },
        { $key: 'desk', $count: 2, qty: 4, avgPrice: 95.25, p50: { values: { '50.0': 95.25 } }, activeOnes: 1, byMonth: { values: [{ $key: '2024-02-01T00:00:00.000Z', $count: 1 }, { $key: '2024-03-01T00:00:00.000Z', $count: 1 }] } },
        { $key: 'rug', $count: 1, qty: 0, avgPrice: null, p50: { values: { '50.0': null } }, activeOnes: 0, byMonth: { values: [] } },
      ]);
    });

    it('topValues inside a histogram keeps the top values of each bucket; empty buckets have empty sub-aggregations', async () => {
      const aggs = await aggregate({
        byMonth: {
          dateHistogram: {
            column: 'soldAt', calendarInterval: 'month', timezone: '-05:00',
            aggs: { topTag: { topValues: { column: 'tags', size: 1, aggs: { qty: { sum: { column: 'qty' } } } } }, qty: { sum: { column: 'qty' } }, top: { max: { column: 'price' } } },
          },
        },
      });
      expect(aggs.byMonth.values).toEqual([
        { $key: '2023-12-01T00:00:00.000-05:00', $count: 1, topTag: { values: [{ $key: 'a', $count: 1, qty: 5 }] }, qty: 5, top: 11 },
        { $key: '2024-01-01T00:00:00.000-05:00', $count: 3, topTag: { values: [{ $key: 'a', $count: 2, qty: 6 }] }, qty: 7, top: 100 },
        { $key: '2024-02-01T00:00:00.000-05:00', $count: 0, topTag: { values: [] }, qty: 0, top: null },
        { $key: '2024-03-01T00:00:00.000-05:00', $count: 2, topTag: { values: [{ $key: 'c', $count: 1, qty: 10 }] }, qty: 13, top: 90.5 },
        { $key: '2024-04-01T00:00:00.000-05:00', $count: 1, topTag: { values: [] }, qty: 6, top: 30.75 },
      ]);
    });

    it('topValues inside topValues: the children of each kept value only', async () => {
      const aggs = await aggregate({ top: { topValues: { column: 'product', size: 2, aggs: { regions: { topValues: { column: 'region' } }, regionCount: { uniqueCount: { column: 'region' } } } } } });
      expect(aggs.top.values).toEqual([
        { $key: 'lamp', $count: 3, regions: { values: [{ $key: 'north', $count: 2 }, { $key: 'south', $count: 1 }] }, regionCount: 2 },
        { $key: 'chair', $count: 2, regions: { values: [{ $key: 'south', $count: 2 }] }, regionCount: 1 },
      ]);
    });

    it('buckets before 1970 floor like any other (negative epoch times and values)', async () => {
      const table = `${BRANCH}/tables/early`;
      expect((await s.request('PUT', table, { columns: [{ name: 'at', type: 'datetime' }, { name: 'x', type: 'float' }] })).status).toBe(201);
      for (const [at, x] of [['1969-06-15T12:00:00Z', -0.5], ['1969-12-31T23:59:59.999Z', -2.5], ['1970-01-01T00:00:00Z', 0]] as const) {
        expect((await s.request('POST', `${table}/data`, { at, x })).status).toBe(201);
      }
      expect((await s.request('POST', `${table}/data`, { at: '0099-06-01T00:00:00Z' })).status).toBe(201);
      const years = await s.request('POST', `${table}/aggregate`, { aggs: { y: { dateHistogram: { column: 'at', calendarInterval: 'year' } } } });
      expect(years.body.aggs.y.values.slice(0, 2)).toEqual([{ $key: '0099-01-01T00:00:00.000Z', $count: 1 }, { $key: '0100-01-01T00:00:00.000Z', $count: 0 }]);
      expect(years.body.aggs.y.values).toHaveLength(1970 - 99 + 1);
      const res = await s.request('POST', `${table}/aggregate`, {
        filter: { at: { $ge: '1900-01-01T00:00:00Z' } },
        aggs: {
          months: { dateHistogram: { column: 'at', calendarInterval: 'month' } },
          days: { dateHistogram: { column: 'at', interval: '1d' } },
          weeks: { dateHistogram: { column: 'at', calendarInterval: 'week', timezone: '+01:00' } },
          xs: { numericHistogram: { column: 'x', interval: 1 } },
        },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const { months, days, weeks, xs } = res.body.aggs;
      expect(months.values).toHaveLength(8);
      expect(months.values.filter((b: any) => b.$count > 0)).toEqual([
        { $key: '1969-06-01T00:00:00.000Z', $count: 1 }, { $key: '1969-12-01T00:00:00.000Z', $count: 1 }, { $key: '1970-01-01T00:00:00.000Z', $count: 1 },
      ]);
      expect(days.values.slice(-2)).toEqual([{ $key: '1969-12-31T00:00:00.000Z', $count: 1 }, { $key: '1970-01-01T00:00:00.000Z', $count: 1 }]);
      // Both last instants fall in the week of Monday 1969-12-29 on the +01:00 wall clock.
      expect(weeks.values[weeks.values.length - 1]).toEqual({ $key: '1969-12-29T00:00:00.000+01:00', $count: 2 });
      expect(xs.values).toEqual([{ $key: -3, $count: 1 }, { $key: -2, $count: 0 }, { $key: -1, $count: 1 }, { $key: 0, $count: 1 }]);
    });

    it('bad input is a 400 naming the problem, never a 500', async () => {
      const bad = async (aggs: unknown, message: RegExp) => expectError(await post('aggregate', { aggs }), 400, message);
      await bad({ x: { sum: { column: 'nope' } } }, /column \[nope\] not found/);
      await bad({ x: { sum: { column: 'notes' } } }, /aggregation \[x\].*numeric/);
      await bad({ x: { average: { column: 'product' } } }, /numeric/);
      await bad({ x: { dateHistogram: { column: 'soldAt', interval: '1w' } } }, /interval/);
      await bad({ x: { dateHistogram: { column: 'soldAt', interval: '0d' } } }, /interval/);
      await bad({ x: { dateHistogram: { column: 'soldAt' } } }, /exactly one of interval and calendarInterval/);
      await bad({ x: { dateHistogram: { column: 'soldAt', calendarInterval: 'fortnight' } } }, /calendarInterval/);
      await bad({ x: { dateHistogram: { column: 'soldAt', calendarInterval: 'day', timezone: 'Europe/Paris' } } }, /timezone/);
      await bad({ x: { dateHistogram: { column: 'soldAt', calendarInterval: 'day', timezone: '+25:00' } } }, /timezone/);
      await bad({ x: { dateHistogram: { column: 'price', calendarInterval: 'day' } } }, /datetime/);
      await bad({ x: { numericHistogram: { column: 'price', interval: 0 } } }, /interval/);
      await bad({ x: { topValues: { column: 'product', size: 0 } } }, /size/);
      await bad({ x: { topValues: { column: 'product', size: 1001 } } }, /size/);
      await bad({ x: { topValues: { column: 'embedding' } } }, /topValues/);
      await bad({ x: { uniqueCount: { column: 'tags' } } }, /uniqueCount/);
      await bad({ x: { percentiles: { column: 'price', percentiles: [101] } } }, /percentiles/);
      await bad({ x: { percentiles: { column: 'price' } } }, /percentiles/);
      await bad({ x: { median: { column: 'price' } } }, /unknown aggregation/);
      await bad({ x: { sum: { column: 'qty' }, max: { column: 'qty' } } }, /exactly one aggregation/);
      await bad({ x: { sum: { column: 'qty', extra: 1 } } }, /unknown option \[extra\]/);
      await bad({ x: { count: 'all' } }, /count/);
      await bad({ x: { count: { filter: { nope: 1 } } } }, /nope/);
      await bad({ $x: { count: '*' } }, /names/);
      await bad([], /aggs must be an object/);
      // Six levels of buckets, one more than allowed.
      let deep: Record<string, unknown> = { n: { count: '*' } };
      for (let i = 0; i < 6; i++) deep = { [`l${i}`]: { topValues: { column: 'product', aggs: deep } } };
      await bad(deep, /levels deep/);
      expectError(await post('aggregate', { aggs: { n: { count: '*' } }, filter: { price: 'cheap' } }), 400, /price/);
      expectError(await post('aggregate', { aggs: {}, extra: true }), 400);
      // A second of buckets over four months is more than a response may hold.
      expectError(await post('aggregate', { aggs: { x: { dateHistogram: { column: 'soldAt', interval: '1s' } } } }), 400, /buckets/);
    });

    it('any generated aggregation request answers 200 or a 400, never a 500', async () => {
      const column = fc.constantFrom<unknown>('product', 'region', 'qty', 'price', 'soldAt', 'tags', 'active', 'team', 'team.name', 'embedding', 'notes', 'meta', 'nope', 'xata.createdAt', 'id', 7);
      const metric = fc.oneof(
        fc.record({ count: fc.constantFrom<unknown>('*', {}, { filter: { active: true } }, { filter: { qty: { $gt: 'x' } } }, 'all') }),
        fc.tuple(fc.constantFrom('sum', 'min', 'max', 'average', 'uniqueCount'), column).map(([op, c]) => ({ [op]: { column: c } })),
        fc.record({ percentiles: fc.record({ column, percentiles: fc.array(fc.double({ min: -1, max: 101, noNaN: true }), { maxLength: 3 }) }) }),
      );
      const { aggs } = fc.letrec<{ aggs: Record<string, unknown>; agg: unknown; bucket: unknown }>((tie) => ({
        aggs: fc.dictionary(fc.constantFrom('a', 'b', 'c', '$d'), tie('agg'), { maxKeys: 3 }),
        agg: fc.oneof({ depthSize: 'small', maxDepth: 3 }, metric, tie('bucket')),
        bucket: fc.oneof(
          fc.record({ topValues: fc.record({ column, size: fc.integer({ min: -1, max: 1001 }), aggs: tie('aggs') }, { requiredKeys: ['column'] }) }),
          fc.record({ dateHistogram: fc.record({
            column, interval: fc.constantFrom('1d', '12h', '90m', '1w', '0s', 'x'), calendarInterval: fc.constantFrom('minute', 'week', 'month', 'quarter', 'year', 'decade'),
            timezone: fc.constantFrom('+01:00', '-05:30', 'Z', '+19:00'), aggs: tie('aggs'),
          }, { requiredKeys: ['column'] }) }),
          fc.record({ numericHistogram: fc.record({ column, interval: fc.double({ min: -1, max: 1000, noNaN: true }), offset: fc.double({ min: -100, max: 100, noNaN: true }), aggs: tie('aggs') }, { requiredKeys: ['column'] }) }),
        ),
      }));
      await fc.assert(fc.asyncProperty(aggs, fc.constantFrom<unknown>(undefined, { active: true }, { 'team.city': 'Oslo' }), async (a, filter) => {
        const res = await post('aggregate', { aggs: a, ...(filter ? { filter } : {}) });
        expect([200, 400], JSON.stringify({ aggs: a, body: res.body })).toContain(res.status);
      }), { numRuns: 150 });
    });

    it('an unknown table is a 404', async () => {
      expectError(await s.request('POST', `${BRANCH}/tables/nope/aggregate`, { aggs: { n: { count: '*' } } }), 404, /table \[nope\] not found/);
    });
  });

  describe('summarize', () => {
    it('groups by a column with every summary, sorted by a summary, groups breaking ties', async () => {
      const summaries = await summarize({
        columns: ['product'],
        summaries: {
          n: { count: '*' }, regions: { count: 'region' }, qty: { sum: 'qty' }, avgPrice: { average: 'price' },
          cheapest: { min: 'price' }, first: { min: 'soldAt' }, last: { max: 'soldAt' }, lastRegion: { max: 'region' },
        },
        sort: [{ n: 'desc' }],
      });
      expect(summaries).toEqual([
        { product: 'lamp', n: 3, regions: 3, qty: 11, avgPrice: 11.25, cheapest: 10.5, first: '2023-12-31T23:45:00.000Z', last: '2024-01-31T23:30:00.000Z', lastRegion: 'south' },
        { product: 'chair', n: 2, regions: 2, qty: 16, avgPrice: 27.875, cheapest: 25, first: '2024-03-31T22:59:00.000Z', last: '2024-04-01T08:00:00.000Z', lastRegion: 'south' },
        { product: 'desk', n: 2, regions: 1, qty: 4, avgPrice: 95.25, cheapest: 90.5, first: '2024-02-01T00:30:00.000Z', last: '2024-03-10T12:00:00.000Z', lastRegion: 'north' },
        { product: 'rug', n: 1, regions: 0, qty: null, avgPrice: null, cheapest: null, first: null, last: null, lastRegion: null },
      ]);
    });

    it('a missing value is a group of its own (null, sorted last)', async () => {
      expect(await summarize({ columns: ['region'], summaries: { n: { count: '*' } } })).toEqual([
        { region: 'north', n: 3 }, { region: 'south', n: 3 }, { region: null, n: 2 },
      ]);
      expect(await summarize({ columns: ['active'], summaries: { n: { count: '*' } }, sort: { n: 'asc' } })).toEqual([
        { active: null, n: 1 }, { active: false, n: 2 }, { active: true, n: 5 },
      ]);
    });

    it('groups by link sub-columns (nested in the answer) and by the link itself ({id})', async () => {
      expect(await summarize({ columns: ['team.name', 'team.city'], summaries: { n: { count: '*' }, qty: { sum: 'qty' } }, sort: [{ 'team.name': 'asc' }] })).toEqual([
        { team: { name: 'Blue', city: 'Rome' }, n: 2, qty: 4 },
        { team: { name: 'Green', city: 'Oslo' }, n: 2, qty: 15 },
        { team: { name: 'Red', city: 'Oslo' }, n: 2, qty: 6 },
        { team: { name: null, city: null }, n: 2, qty: 6 },
      ]);
      expect(await summarize({ columns: ['team.*'], summaries: { n: { count: '*' } }, filter: { 'team.city': 'Oslo' } })).toEqual([
        { team: { name: 'Green', city: 'Oslo' }, n: 2 }, { team: { name: 'Red', city: 'Oslo' }, n: 2 },
      ]);
      expect(await summarize({ columns: ['team'], summaries: { teamName: { max: 'team.name' } } })).toEqual([
        { team: { id: 'blue' }, teamName: 'Blue' }, { team: { id: 'green' }, teamName: 'Green' }, { team: { id: 'red' }, teamName: 'Red' }, { team: null, teamName: null },
      ]);
    });

    it('summaries without columns summarize the whole (filtered) table; columns without summaries list the groups', async () => {
      expect(await summarize({ summaries: { n: { count: '*' }, withRegion: { count: 'region' }, teams: { count: 'team.name' } } })).toEqual([{ n: 8, withRegion: 6, teams: 6 }]);
      expect(await summarize({ summaries: { n: { count: '*' } }, filter: { product: 'sofa' } })).toEqual([{ n: 0 }]);
      expect(await summarize({ columns: ['product'], filter: { active: true } })).toEqual([{ product: 'chair' }, { product: 'desk' }, { product: 'lamp' }]);
      expect(await summarize({ columns: ['product'], summaries: { n: { count: '*' } }, filter: { product: 'sofa' } })).toEqual([]);
    });

    it('summariesFilter filters groups by summary values (numbers and dates)', async () => {
      const base = { columns: ['product'], summaries: { n: { count: '*' }, avgPrice: { avg: 'price' }, last: { max: 'soldAt' } } };
      const names = async (summariesFilter: unknown) => (await summarize({ ...base, summariesFilter })).map((r: any) => r.product);
      expect(await names({ n: { $gt: 1 } })).toEqual(['chair', 'desk', 'lamp']);
      expect(await names({ $all: [{ n: { $ge: 2 } }, { avgPrice: { $lt: 50 } }] })).toEqual(['chair', 'lamp']);
      expect(await names({ $any: [{ n: 1 }, { avgPrice: { $gt: 90 } }] })).toEqual(['desk', 'rug']);
      expect(await names({ last: { $ge: '2024-03-01T00:00:00Z' } })).toEqual(['chair', 'desk']);
      expect(await names({ $not: { n: { $gt: 1 } } })).toEqual(['rug']);
      expect(await names({ $exists: 'avgPrice' })).toEqual(['chair', 'desk', 'lamp']);
    });

    it('summariesFilter also names group columns, link sub-columns included, typed as the columns', async () => {
      const base = { columns: ['team.city', 'product'], summaries: { n: { count: '*' }, total: { sum: 'qty' } } };
      const groups = async (summariesFilter: unknown) => (await summarize({ ...base, summariesFilter })).map((r: any) => `${r.team?.city ?? '-'}/${r.product}`);
      expect(await groups({ 'team.city': 'Oslo' })).toEqual(['Oslo/chair', 'Oslo/lamp']);
      expect(await groups({ 'team.city': 'Oslo', n: { $gt: 1 } })).toEqual(['Oslo/lamp']);
      expect(await groups({ $any: [{ 'team.city': 'Rome', total: { $ge: 4 } }, { product: { $startsWith: 'ch' }, n: 1 }] })).toEqual(['Oslo/chair', 'Rome/desk', '-/chair']);
      expect(await groups({ $not: { $exists: 'team.city' } })).toEqual(['-/chair', '-/rug']);
      expect(await summarize({ columns: ['team', 'active'], summaries: { n: { count: '*' } }, summariesFilter: { team: 'red', active: true } })).toEqual([{ team: { id: 'red' }, active: true, n: 2 }]);
      expect(await summarize({ columns: ['soldAt'], summariesFilter: { soldAt: { $lt: '2024-01-01T00:00:00Z' } } })).toEqual([{ soldAt: '2023-12-31T23:45:00.000Z' }]);
    });

    it('page.size limits the groups (default 20)', async () => {
      expect(await summarize({ columns: ['product'], summaries: { n: { count: '*' } }, sort: [{ n: 'desc' }, { product: 'desc' }], page: { size: 2 } })).toEqual([
        { product: 'lamp', n: 3 }, { product: 'desk', n: 2 },
      ]);
      expect(await summarize({ columns: ['product', 'region', 'qty'] })).toHaveLength(8);
      expect(await summarize({ columns: ['product', 'region', 'qty'], page: { size: 3 } })).toHaveLength(3);
    });

    it('any generated summarize request answers 200 or a 400, never a 500', async () => {
      const column = fc.constantFrom('product', 'region', 'qty', 'price', 'soldAt', 'tags', 'active', 'team', 'team.name', 'team.*', '*', 'embedding', 'meta', 'nope', 'id');
      const summary = fc.tuple(fc.constantFrom('count', 'min', 'max', 'sum', 'average', 'avg', 'median'), fc.oneof(column, fc.constant('*'))).map(([op, c]) => ({ [op]: c }));
      const names = fc.constantFrom('n', 'm', 'product', 'x.y');
      const request = fc.record({
        columns: fc.array(column, { maxLength: 3 }),
        summaries: fc.dictionary(names, summary, { maxKeys: 3 }),
        summariesFilter: fc.oneof(fc.constant(undefined), names.chain((n) => fc.constantFrom<unknown>({ [n]: { $gt: 1 } }, { [n]: '2024-01-01T00:00:00Z' }, { $any: [{ [n]: 1 }, { [n]: { $exists: true } }] }, { $exists: n }))),
        sort: fc.oneof(fc.constant(undefined), fc.tuple(fc.oneof(names, column), fc.constantFrom('asc', 'desc', 'random')).map(([c, d]) => [{ [c]: d }])),
        filter: fc.constantFrom<unknown>(undefined, { active: true }, { 'team.name': { $startsWith: 'R' } }),
      }, { requiredKeys: [] });
      await fc.assert(fc.asyncProperty(request, async (body) => {
        const res = await post('summarize', body);
        expect([200, 400], JSON.stringify({ body, answer: res.body })).toContain(res.status);
      }), { numRuns: 150 });
    });

    it('bad input is a 400, an unknown table a 404', async () => {
      const bad = async (body: unknown, message: RegExp) => expectError(await post('summarize', body), 400, message);
      await bad({ columns: ['nope'], summaries: { n: { count: '*' } } }, /column \[nope\] not found/);
      await bad({ columns: ['embedding'] }, /vector and file/);
      await bad({ columns: ['id'] }, /internal columns/);
      await bad({ summaries: { s: { sum: 'notes' } } }, /numeric/);
      await bad({ summaries: { s: { min: 'active' } } }, /min needs/);
      await bad({ summaries: { s: { median: 'qty' } } }, /must be one of/);
      await bad({ summaries: { s: { count: 'xata.createdAt' } } }, /internal columns/);
      await bad({ summaries: { 'bad name!': { count: '*' } } }, /names/);
      await bad({ columns: ['product'], summaries: { product: { count: '*' } } }, /collides/);
      await bad({ columns: ['team.name'], summaries: { team: { count: '*' } } }, /collides/);
      await bad({ columns: ['product'], summaries: { n: { count: '*' } }, summariesFilter: { region: 'north' } }, /\[region\] is neither a summary name nor a group column/);
      await bad({ columns: ['product'], summaries: { n: { count: '*' } }, summariesFilter: { id: 'x' } }, /neither a summary name nor a group column/);
      await bad({ columns: ['product'], summaries: { n: { count: '*' } }, summariesFilter: { $exists: 'team.name' } }, /neither a summary name nor a group column/);
      await bad({ columns: ['team.name'], summaries: { n: { count: '*' } }, summariesFilter: { 'team.name': 5 } }, /expects a string/);
      await bad({ columns: ['product'], summaries: { n: { count: '*' } }, summariesFilter: { n: { $gt: 'many' } } }, /expects a number/);
      await bad({ columns: ['product'], summaries: { n: { count: '*' } }, sort: { region: 'asc' } }, /sort on \[region\]/);
      await bad({ columns: ['product'], sort: { '*': 'random' } }, /direction/);
      await bad({}, /needs columns/);
      expectError(await post('summarize', { columns: ['product'], page: { size: 1001 } }), 400);
      expectError(await s.request('POST', `${BRANCH}/tables/nope/summarize`, { columns: ['x'] }), 404, /table \[nope\] not found/);
    });
  });

  describe('vectorSearch', () => {
    const search = async (body: Record<string, unknown>) => {
      const res = await post('vectorSearch', { column: 'embedding', queryVector: [1, 0, 0], ...body });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body as { records: any[]; totalCount: number };
    };

    it('orders by cosine similarity by default; xata.score is the similarity + 1; records come whole', async () => {
      const result = await search({});
      expect(result.records.map((r) => r.id)).toEqual(['s1', 's4', 's5', 's2', 's3', 's7']);
      expect(result.totalCount).toBe(6);
      const scores = result.records.map((r) => r.xata.score);
      [2, 1.9987523388778445, 1.9045340337332908, 1.6401843996644798, 1, 0].forEach((expected, i) => expect(scores[i]).toBeCloseTo(expected, 12));
      expect(result.records[0]).toMatchObject({ id: 's1', product: 'lamp', qty: 2, team: { id: 'red' }, embedding: [1, 0, 0], xata: { version: 0, score: 2 } });
      expect(result.records[0].xata.createdAt).toMatch(/Z$/);
    });

    it('l1 and l2 order by distance (score 1 / (1 + distance)), ties by id', async () => {
      const l1 = await search({ similarityFunction: 'l1' });
      expect(l1.records.map((r) => r.id)).toEqual(['s1', 's2', 's5', 's3', 's7', 's4']);
      [1, 1 / 2.2, 0.4, 1 / 3, 1 / 3, 1 / 10.5].forEach((expected, i) => expect(l1.records[i].xata.score).toBeCloseTo(expected, 12));
      const l2 = await search({ similarityFunction: 'l2' });
      expect(l2.records.map((r) => r.id)).toEqual(['s1', 's5', 's2', 's3', 's7', 's4']);
      [1, 1 / (1 + Math.sqrt(0.75)), 1 / 2.2, 1 / (1 + Math.SQRT2), 1 / 3, 1 / (1 + Math.sqrt(81.25))].forEach((expected, i) => expect(l2.records[i].xata.score).toBeCloseTo(expected, 12));
    });

    it('size and filter (link sub-columns too) narrow the results', async () => {
      expect((await search({ size: 2 })).records.map((r) => r.id)).toEqual(['s1', 's4']);
      expect((await search({ filter: { active: true } })).records.map((r) => r.id)).toEqual(['s1', 's4', 's5', 's2', 's7']);
      expect((await search({ filter: { 'team.name': 'Red' }, similarityFunction: 'l2' })).records.map((r) => r.id)).toEqual(['s1', 's2']);
      expect(await search({ filter: { product: 'sofa' } })).toEqual({ records: [], totalCount: 0 });
    });

    it('bad input is a 400 (dimension mismatch, not a vector column, unknown function, zero vector), an unknown table a 404', async () => {
      const bad = async (body: Record<string, unknown>, message?: RegExp) =>
        expectError(await post('vectorSearch', { column: 'embedding', queryVector: [1, 0, 0], ...body }), 400, message);
      await bad({ queryVector: [1, 0] }, /2 dimensions, column \[embedding\] has 3/);
      await bad({ column: 'price' }, /not vector/);
      await bad({ column: 'nope' }, /column \[nope\] not found/);
      await bad({ similarityFunction: 'dot' }, /similarityFunction/);
      await bad({ queryVector: [0, 0, 0] }, /zero/);
      await bad({ size: 101 });
      await bad({ size: 0 });
      await bad({ filter: { nope: 1 } }, /nope/);
      // Components this large overflow the arithmetic: refused or scored, never a 500.
      const huge = await post('vectorSearch', { column: 'embedding', queryVector: [1e308, 1e308, 0] });
      expect([200, 400]).toContain(huge.status);
      expectError(await post('vectorSearch', { column: 'embedding' }), 400);
      expectError(await s.request('POST', `${BRANCH}/tables/nope/vectorSearch`, { column: 'embedding', queryVector: [1, 0, 0] }), 404, /table \[nope\] not found/);
    });
  });
});

describe('percentile definition', () => {
  it('is Elasticsearch TDigest\'s answer for small sets: linear interpolation at rank n·q − ½, clamped', () => {
    // The SDK suite's set (teams.index) and its expected 10th…90th percentiles.
    expect([10, 20, 30, 40, 50, 60, 70, 80, 90].map((p) => xataPercentile([6, 8, 3, 2, 12], p))).toEqual([2, 2.5, 3, 4.5, 6, 7, 8, 10, 12]);
    expect(xataPercentile([1, 2.2, 3.1, 4, 5.3], 50)).toBe(3.1); // the suite's median of teams.rating
    expect(xataPercentile([], 50)).toBeNull();
    expect(xataPercentile([7], 90)).toBe(7);
    expect(xataPercentile([4, 1, 3, 2], 50)).toBe(2.5);
    expect(xataPercentile([4, 1, 3, 2], 25)).toBe(1.5); // rank 0.5
    expect(xataPercentile([4, 1, 3, 2], 10)).toBe(1); // rank −0.1: the left end
    expect(xataPercentile([4, 1, 3, 2], 90)).toBe(4); // rank 3.1: the right end
    expect(xataPercentile([1, 2, 10], 90)).toBe(10);
    expect(xataPercentile([1, 2, 10], 50)).toBe(2);
    expect(xataPercentile([1, 2, 10], 75)).toBeCloseTo(8, 12); // rank 1.75
    expect(xataPercentile([10, 20, 30, 40, 50], 0)).toBe(10);
    expect(xataPercentile([10, 20, 30, 40, 50], 100)).toBe(50);
    expect(xataPercentile([10, 20, 30, 40, 50], 30)).toBe(20);
    expect(xataPercentile([5, 5, 5, 9], 75)).toBe(7); // duplicates are centroids of their own
  });

  it('names percentiles as Java doubles print', () => {
    expect([50, 0, 99.9, 12.5].map(percentileKey)).toEqual(['50.0', '0.0', '99.9', '12.5']);
  });
});
