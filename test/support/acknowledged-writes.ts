import { expect } from 'vitest';

/**
 * Mixed write load against the data API, with a ledger of what the server acknowledged (a 2xx
 * answer) and what was sent without an answer (the server died first), and the check that a
 * restarted server still holds every acknowledged write. The database `crash` has three tables:
 * `items` (label string, n int: single inserts, PUTs, bulk inserts and transaction inserts, each
 * with a label of its own), `counters` (hits int: `$increment` PATCHes, and one per transaction)
 * and `latest` (n int: each client PUTs its one record over and over with a growing n).
 */
export const DB = '/db/crash:main';

type Call = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;

interface Group { labels: string[]; acked: boolean; client: number; kind: 'bulk' | 'tx' }

export class WriteLedger {
  /** Single items by label: acknowledged (with their n), or sent without an answer. */
  readonly items = new Map<string, { n: number; acked: boolean }>();
  readonly groups: Group[] = [];
  /** Per client: its `$increment` PATCHes acknowledged and unanswered. */
  readonly increments = new Map<number, { acked: number; unknown: number }>();
  /** Per client: the last acknowledged PUT of its `latest` record. */
  readonly latest = new Map<number, { n: number; version: number }>();
  /** Answers that were neither 2xx nor a dead connection (must stay empty). */
  readonly refused: string[] = [];
  private seq = 0;

  constructor(readonly clients: number) {}

  /** The tables and each client's counter records (once, before the first load). */
  static async prepare(call: Call, clients: number): Promise<WriteLedger> {
    expect((await call('PUT', '/workspaces/local/dbs/crash', {})).status).toBe(201);
    expect((await call('PUT', `${DB}/tables/items`, { columns: [{ name: 'label', type: 'string' }, { name: 'n', type: 'int' }] })).status).toBe(201);
    expect((await call('PUT', `${DB}/tables/counters`, { columns: [{ name: 'hits', type: 'int' }] })).status).toBe(201);
    expect((await call('PUT', `${DB}/tables/latest`, { columns: [{ name: 'n', type: 'int' }] })).status).toBe(201);
    for (let c = 0; c < clients; c++) {
      for (const id of [`inc_${c}`, `tx_${c}`]) expect((await call('PUT', `${DB}/tables/counters/data/${id}`, { hits: 0 })).status).toBe(201);
    }
    return new WriteLedger(clients);
  }

  get acknowledged(): number {
    return [...this.items.values()].filter((i) => i.acked).length + this.groups.filter((g) => g.acked).length
      + [...this.increments.values()].reduce((sum, i) => sum + i.acked, 0);
  }

  /**
   * Runs `clients` sequential writers until `stop()` says so or their connection dies (each
   * stops at its first failed request: the server is gone). Bounded by `maxOpsPerClient`.
   */
  async load(call: Call, stop: () => boolean, maxOpsPerClient: number): Promise<void> {
    await Promise.all(Array.from({ length: this.clients }, async (_, client) => {
      for (let i = 0; i < maxOpsPerClient && !stop(); i++) {
        if (!(await this.writeOnce(call, client, i))) return;
      }
    }));
  }

  /** One write, recorded; false once the server no longer answers. */
  private async writeOnce(call: Call, client: number, i: number): Promise<boolean> {
    const n = ++this.seq;
    const label = `c${client}-${n}`;
    const answered = async (method: string, path: string, body: unknown, onAck: (body: any) => void, onUnknown: () => void) => {
      let res;
      try {
        res = await call(method, path, body);
      } catch {
        onUnknown();
        return false;
      }
      if (res.status >= 200 && res.status < 300) onAck(res.body);
      else { onUnknown(); this.refused.push(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`); }
      return true;
    };
    const single = (acked: boolean) => this.items.set(label, { n, acked });
    const group = (kind: Group['kind'], labels: string[]) => {
      const g: Group = { labels, acked: false, client, kind };
      this.groups.push(g);
      return g;
    };
    const inc = this.increments.get(client) ?? { acked: 0, unknown: 0 };
    this.increments.set(client, inc);
    switch (i % 6) {
      case 0: return answered('POST', `${DB}/tables/items/data`, { label, n }, () => single(true), () => single(false));
      case 1: return answered('PUT', `${DB}/tables/items/data/i_${label}`, { label, n }, () => single(true), () => single(false));
      case 2: return answered('PATCH', `${DB}/tables/counters/data/inc_${client}`, { hits: { $increment: 1 } }, () => inc.acked++, () => inc.unknown++);
      case 3: {
        const g = group('bulk', [0, 1, 2, 3].map((k) => `${label}-b${k}`));
        return answered('POST', `${DB}/tables/items/bulk`, { records: g.labels.map((l) => ({ label: l, n })) }, () => { g.acked = true; }, () => undefined);
      }
      case 4: {
        const g = group('tx', [`${label}-ta`, `${label}-tb`]);
        const operations = [
          ...g.labels.map((l) => ({ insert: { table: 'items', record: { label: l, n } } })),
          { update: { table: 'counters', id: `tx_${client}`, fields: { hits: { $increment: 1 } } } },
        ];
        return answered('POST', `${DB}/transaction`, { operations }, () => { g.acked = true; }, () => undefined);
      }
      default: return answered('PUT', `${DB}/tables/latest/data/p_${client}`, { n }, (body) => this.latest.set(client, { n, version: body.xata.version }), () => undefined);
    }
  }

  /** Every acknowledged write is there with at least its acknowledged state; nothing is doubled; transactions are whole. */
  async verify(call: Call): Promise<void> {
    expect(this.refused).toEqual([]);
    const found = new Map<string, Array<{ n: number }>>();
    let cursor: string | undefined;
    for (let page = 0; page < 1000; page++) {
      const res = await call('POST', `${DB}/tables/items/query`, { page: cursor ? { after: cursor, size: 1000 } : { size: 1000 }, ...(cursor ? {} : { columns: ['label', 'n'] }) });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      for (const r of res.body.records) found.set(r.label, [...(found.get(r.label) ?? []), { n: r.n }]);
      if (!res.body.meta.page.more) break;
      cursor = res.body.meta.page.cursor;
    }
    const doubled = [...found].filter(([, rows]) => rows.length > 1).map(([label]) => label);
    expect(doubled).toEqual([]);
    const lost = [...this.items].filter(([label, item]) => item.acked && found.get(label)?.[0]?.n !== item.n).map(([label]) => label);
    expect(lost).toEqual([]);
    const broken = this.groups.filter((g) => {
      const present = g.labels.filter((l) => found.has(l)).length;
      return g.acked ? present !== g.labels.length : present !== 0 && present !== g.labels.length;
    });
    expect(broken).toEqual([]);
    for (let c = 0; c < this.clients; c++) {
      const counter = async (id: string) => (await call('GET', `${DB}/tables/counters/data/${id}`)).body.hits as number;
      const inc = this.increments.get(c) ?? { acked: 0, unknown: 0 };
      const hits = await counter(`inc_${c}`);
      expect(hits).toBeGreaterThanOrEqual(inc.acked);
      expect(hits).toBeLessThanOrEqual(inc.acked + inc.unknown);
      // A transaction's increment landed exactly when its inserts did.
      const committed = this.groups.filter((g) => g.kind === 'tx' && g.client === c && found.has(g.labels[0]!)).length;
      expect(await counter(`tx_${c}`)).toBe(committed);
      const last = this.latest.get(c);
      if (last) {
        const record = (await call('GET', `${DB}/tables/latest/data/p_${c}`)).body;
        expect(record.n).toBeGreaterThanOrEqual(last.n);
        expect(record.xata.version).toBeGreaterThanOrEqual(last.version);
      }
    }
  }
}
