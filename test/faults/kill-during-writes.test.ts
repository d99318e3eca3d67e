import { afterEach, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { startServer } from '../support/processes.js';
import { WriteLedger } from '../support/acknowledged-writes.js';

/**
 * `kill -9` in the middle of mixed writes: the real server (`node dist/main.js`) takes PUTs,
 * POSTs, `$increment` PATCHes, bulk inserts and transactions from a few concurrent clients,
 * is SIGKILLed once enough writes were acknowledged, and is started again on the same storage.
 * Every acknowledged write must be there with at least its acknowledged state, nothing twice,
 * every transaction whole or absent, no increment lost. Bounded by counts (acknowledgements
 * per cycle, operations per client, cycles) and by the waits' own limits.
 */
const CLIENTS = 4, CYCLES = 2, ACKS_PER_CYCLE = 90, MAX_OPS_PER_CLIENT = 400;

describeEachEngine('kill -9 during mixed writes', (engine) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => { while (cleanups.length) await cleanups.pop()!(); });

  it('keeps every acknowledged write, whole, once, across restarts', async () => {
    const provisioned = await engine.provision();
    cleanups.push(provisioned.cleanup);
    let token = '';
    const start = async () => {
      const server = startServer(provisioned.config);
      cleanups.push(server.kill);
      const { url, output } = await server.ready;
      token ||= /token:\s+(xau_\S+)/.exec(output)![1]!;
      const call = async (method: string, path: string, body?: unknown) => {
        const res = await fetch(url + path, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
        // An answer whose body did not arrive whole is no acknowledgement: it throws, as a dead connection does.
        return { status: res.status, body: await res.json() as any };
      };
      return { call, kill: server.kill };
    };

    let server = await start();
    const ledger = await WriteLedger.prepare(server.call, CLIENTS);
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const target = ledger.acknowledged + ACKS_PER_CYCLE;
      let killed = false;
      const load = ledger.load(server.call, () => killed, MAX_OPS_PER_CLIENT);
      // Kill while the clients are mid-request; bounded: the load ends by itself after MAX_OPS_PER_CLIENT each.
      let loadDone = false;
      void load.finally(() => { loadDone = true; });
      for (let i = 0; i < 2000 && ledger.acknowledged < target && !loadDone; i++) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(loadDone, 'the load ended before the kill').toBe(false);
      await server.kill();
      killed = true;
      await load;
      server = await start();
      await ledger.verify(server.call);
    }
    expect(ledger.acknowledged).toBeGreaterThanOrEqual(CYCLES * ACKS_PER_CYCLE);
  }, 90_000);
});
