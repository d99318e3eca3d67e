import net from 'node:net';

/**
 * A TCP proxy a test controls, in front of PostgreSQL: `cut()` drops every connection,
 * `refuse()` closes new ones at once (as a stopped server's port would), `refuseNew()` does so
 * but keeps forwarding the open ones, `stall()` accepts and holds connections but forwards
 * nothing either way (a network stall), `restore()` forwards again.
 */
export interface TcpProxy {
  port: number;
  /** The connection URL with host and port replaced by the proxy's. */
  url(databaseUrl: string): string;
  cut(): void;
  refuse(): void;
  refuseNew(): void;
  stall(): void;
  restore(): void;
  /** Open client connections. */
  readonly connections: number;
  /** The local ports of its connections to the target (PostgreSQL's pg_stat_activity.client_port). */
  upstreamPorts(): number[];
  close(): Promise<void>;
}

type Mode = 'forward' | 'refuse' | 'refuse-new' | 'stall';

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: Mode = 'forward';
  interface Pair { client: net.Socket; upstream: net.Socket; held: Array<[net.Socket, Buffer]> }
  const pairs = new Set<Pair>();
  const kill = (p: Pair) => { p.client.destroy(); p.upstream.destroy(); pairs.delete(p); };
  const server = net.createServer((client) => {
    if (mode === 'refuse' || mode === 'refuse-new') { client.destroy(); return; }
    const upstream = net.connect(target.port, target.host);
    const pair: Pair = { client, upstream, held: [] };
    pairs.add(pair);
    // While stalled, bytes are held (in order) instead of forwarded; restore() sends them on.
    const forward = (to: net.Socket) => (data: Buffer) => { if (mode === 'stall') pair.held.push([to, data]); else to.write(data); };
    client.on('data', forward(upstream));
    upstream.on('data', forward(client));
    for (const socket of [client, upstream]) {
      socket.on('error', () => kill(pair));
      socket.on('close', () => kill(pair));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url(databaseUrl) {
      const u = new URL(databaseUrl);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    cut() { for (const p of [...pairs]) kill(p); },
    refuse() { mode = 'refuse'; for (const p of [...pairs]) kill(p); },
    refuseNew() { mode = 'refuse-new'; },
    stall() { mode = 'stall'; },
    restore() {
      mode = 'forward';
      for (const p of pairs) { for (const [to, data] of p.held) to.write(data); p.held = []; }
    },
    get connections() { return pairs.size; },
    upstreamPorts: () => [...pairs].map((p) => p.upstream.localPort).filter((port): port is number => port !== undefined),
    async close() {
      for (const p of [...pairs]) kill(p);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
