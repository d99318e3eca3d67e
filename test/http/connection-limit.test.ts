import net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';

/**
 * Open connections per client address (STRATA_MAX_CONNECTIONS_PER_ADDRESS): raw sockets from
 * 127.0.0.1 against a server with a limit of 3. The fourth is closed unanswered; the three keep
 * working; once one closes, a new one is accepted.
 */
const LIMIT = 3;

interface Conn { socket: net.Socket; closed: Promise<void> }

async function connect(s: RunningStrata): Promise<Conn> {
  const url = new URL(s.url);
  const socket = net.connect({ host: '127.0.0.1', port: Number(url.port) });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => { socket.once('connect', () => resolve()); socket.once('error', reject); });
  return { socket, closed };
}

/** One keep-alive GET /health on the socket: the status line, or null when the socket closes first. */
function health(conn: Conn): Promise<string | null> {
  return new Promise((resolve) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\r\n\r\n') && text.includes('"status"')) { conn.socket.off('data', onData); resolve(text.split('\r\n')[0]!); }
    };
    conn.socket.on('data', onData);
    void conn.closed.then(() => resolve(null));
    conn.socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
  });
}

describeEachEngine('connections per client address', (engine) => {
  let s: RunningStrata;
  beforeAll(async () => { s = await startStrata(engine, { access: { maxConnectionsPerAddress: LIMIT } }); });
  afterAll(async () => { s?.app.server.closeAllConnections(); await s?.close(); });

  it('closes the connection past the limit; the others keep working; a freed slot is reused', async () => {
    const conns: Conn[] = [];
    // Each answers before the next opens, so the server has counted it.
    for (let i = 0; i < LIMIT; i++) {
      conns.push(await connect(s));
      expect(await health(conns[i]!)).toBe('HTTP/1.1 200 OK');
    }
    const extra = await connect(s);
    expect(await health(extra)).toBeNull();
    for (const conn of conns) expect(await health(conn)).toBe('HTTP/1.1 200 OK');
    conns[0]!.socket.destroy();
    await conns[0]!.closed;
    // The server sees the close a moment after the client: retry briefly.
    let status: string | null = null;
    for (let i = 0; i < 50 && status === null; i++) {
      const next = await connect(s);
      status = await health(next);
      if (status) conns.push(next);
      else await new Promise((r) => setTimeout(r, 20));
    }
    expect(status).toBe('HTTP/1.1 200 OK');
    for (const conn of conns) conn.socket.destroy();
  });
});
