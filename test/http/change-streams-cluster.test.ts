import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { postgresEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { openSse, type SseStream } from '../support/sse.js';

/**
 * Two Strata nodes on one PostgreSQL database: a subscriber on node B sees what is written
 * through node A, in commit order with no gaps, and resumes on B after a reconnect.
 */
describe.skipIf(!inject('postgresAvailable'))('[postgres] change streams across two nodes', () => {
  let a: RunningStrata;
  let b: RunningStrata;
  const streams: SseStream[] = [];
  beforeAll(async () => {
    const provisioned = await postgresEngine.provision();
    a = await startStrata(postgresEngine, { provisioned });
    b = await startStrata(postgresEngine, { provisioned: { config: provisioned.config, cleanup: async () => undefined } });
    expect((await a.request('PUT', '/workspaces/local/dbs/shared', {})).status).toBe(201);
    expect((await a.request('PUT', '/db/shared:main/tables/events', { columns: [{ name: 'n', type: 'int' }, { name: 'writer', type: 'int' }] })).status).toBe(201);
  });
  afterAll(async () => {
    for (const st of streams) st.close();
    await b?.close();
    await a?.close();
  });

  it('delivers writes made on node A to a subscriber on node B, ordered and gap-free, and resumes with Last-Event-ID', async () => {
    const onB = await openSse(`${b.url}/db/shared:main/tables/events/changes`, b.token);
    const onA = await openSse(`${a.url}/db/shared:main/tables/events/changes`, a.token);
    streams.push(onB, onA);
    // Eight concurrent writers on A, ten records each: PostgreSQL commits them in parallel.
    await Promise.all(Array.from({ length: 8 }, async (_, writer) => {
      for (let n = 0; n < 10; n++) {
        const r = await a.request('POST', '/db/shared:main/tables/events/data', { n, writer });
        expect(r.status).toBe(201);
      }
    }));
    const seen = await onB.waitFor(80, 20_000);
    const seqs = seen.map((e) => Number(e.id));
    expect(seqs).toEqual(Array.from({ length: 80 }, (_, i) => seqs[0]! + i)); // consecutive: ordered, no gaps
    for (let writer = 0; writer < 8; writer++) {
      expect(seen.filter((e) => e.data.record.writer === writer).map((e) => e.data.record.n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }
    // Both nodes tell the same story.
    expect((await onA.waitFor(80, 20_000)).map((e) => `${e.id}:${e.data.id}`)).toEqual(seen.map((e) => `${e.id}:${e.data.id}`));

    onB.close();
    const ids: string[] = [];
    for (let n = 100; n < 105; n++) ids.push((await a.request('POST', '/db/shared:main/tables/events/data', { n, writer: 9 })).body.id);
    const resumed = await openSse(`${b.url}/db/shared:main/tables/events/changes`, b.token, { 'last-event-id': seen[79]!.id! });
    streams.push(resumed);
    const missed = await resumed.waitFor(5, 20_000);
    expect(missed.map((e) => e.data.id)).toEqual(ids);
    expect(missed.map((e) => Number(e.id))).toEqual([1, 2, 3, 4, 5].map((k) => seqs[79]! + k));
    // And live again afterwards, through A's NOTIFY.
    await a.request('DELETE', `/db/shared:main/tables/events/data/${ids[0]}`);
    expect((await resumed.waitFor(6, 20_000))[5]!.data).toMatchObject({ op: 'delete', id: ids[0] });
  });
});
