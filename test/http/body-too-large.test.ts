import { afterAll, beforeAll, expect, it } from 'vitest';
import net from 'node:net';
import { once } from 'node:events';
import { DRAIN_BYTES } from '../../src/http/refused-body.js';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';

/**
 * A body over the limit is answered with a 413 that Node's own fetch (undici) can read: the
 * server reads (and discards) the rest of the body before closing, so the client is not cut
 * off mid-send (`fetch failed`, EPIPE) — on the data API (BODY_LIMIT), the binary file
 * endpoints (FILE_MAX_BYTES) and the Metadata API (its own envelope) — and that the server
 * reads no more than DRAIN_BYTES of a refused body before it closes the connection.
 */
const BODY_LIMIT = 64 * 1024;
const FILE_MAX = 256 * 1024;
// Several megabytes: far more than socket buffers hold, so the client is still sending when the server answers.
const HUGE = 6 * 1024 * 1024;

describeEachEngine('bodies over the limit', (engine) => {
  let s: RunningStrata;
  let recordId: string;
  beforeAll(async () => {
    s = await startStrata(engine, { bodyLimit: BODY_LIMIT, ops: { fileMaxBytes: FILE_MAX } });
    expect((await s.request('PUT', '/workspaces/local/dbs/big', {})).status).toBe(201);
    expect((await s.request('PUT', '/db/big:main/tables/docs', { columns: [{ name: 't', type: 'string' }, { name: 'doc', type: 'file' }, { name: 'photos', type: 'file[]' }] })).status).toBe(201);
    recordId = (await s.request('POST', '/db/big:main/tables/docs/data', { t: 'x' })).body.id;
  });
  afterAll(async () => { s?.app.server.closeAllConnections(); await s?.close(); });

  const send = async (method: string, path: string, body: Uint8Array<ArrayBuffer> | string, contentType: string) => {
    const res = await fetch(s.url + path, { method, headers: { authorization: `Bearer ${s.token}`, 'content-type': contentType }, body });
    return { status: res.status, body: await res.json() as Record<string, unknown> };
  };

  it('a JSON record write over BODY_LIMIT answers 413 {id, message}', async () => {
    const res = await send('POST', '/db/big:main/tables/docs/data', JSON.stringify({ t: 'z'.repeat(HUGE) }), 'application/json');
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ id: expect.stringMatching(/^req_/), message: 'request body is too large' });
  });

  it('a binary upload over FILE_MAX_BYTES answers 413 {id, message}, with or without a declared length', async () => {
    const bytes = new Uint8Array(HUGE);
    const res = await send('PUT', `/db/big:main/tables/docs/data/${recordId}/column/doc/file`, bytes, 'application/octet-stream');
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ id: expect.stringMatching(/^req_/), message: expect.stringContaining('larger than the limit') });
    // Streamed (chunked, no Content-Length): refused while counting.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) { for (let i = 0; i < HUGE / (64 * 1024); i++) controller.enqueue(new Uint8Array(64 * 1024)); controller.close(); },
    });
    const chunked = await fetch(`${s.url}/db/big:main/tables/docs/data/${recordId}/column/photos/file/f1`, {
      method: 'PUT', headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/octet-stream' }, body: stream, duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(await chunked.json()).toMatchObject({ message: expect.stringContaining('larger than the limit') });
  });

  it('the Metadata API answers its own envelope', async () => {
    const res = await send('POST', '/api:meta/workspace/1/table', JSON.stringify({ name: 'z'.repeat(HUGE) }), 'application/json');
    // Xano has no 413: a too-large body is an input error there (xano-errors.ts).
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'ERROR_CODE_INPUT_ERROR', message: expect.stringContaining('too large') });
  });

  it('the connection still serves requests after a refused body', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await send('POST', '/db/big:main/tables/docs/data', JSON.stringify({ t: 'z'.repeat(HUGE) }), 'application/json')).status).toBe(413);
      expect((await s.request('GET', `/db/big:main/tables/docs/data/${recordId}`)).status).toBe(200);
    }
  });

  /** A raw HTTP/1.1 client: the request line and headers, then `offered` bytes of body written as fast as the server takes them. */
  async function rawSend(method: string, path: string, type: string, declared: number, offered: number) {
    const { port } = new URL(s.url);
    const socket = net.connect(Number(port), '127.0.0.1');
    let writeError: Error | undefined;
    socket.on('error', (err) => { writeError = err; });
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    let response = '';
    socket.on('data', (data: Buffer) => { response += data.toString(); });
    await once(socket, 'connect');
    socket.write(`${method} ${path.replace('{id}', recordId)} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${s.token}\r\nContent-Type: ${type}\r\nContent-Length: ${declared}\r\n\r\n`);
    const chunk = Buffer.alloc(64 * 1024, 97);
    let sent = 0;
    // Bounded: at most `offered` bytes.
    while (sent < offered && !socket.destroyed) {
      sent += chunk.length;
      if (!socket.write(chunk)) await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), closed]);
    }
    return { socket, closed, sent, get response() { return response; }, get writeError() { return writeError; } };
  }

  const ROUTES = [
    ['a JSON body', 'POST', '/db/big:main/tables/docs/data', 'application/json'],
    ['a file upload', 'PUT', '/db/big:main/tables/docs/data/{id}/column/doc/file', 'application/octet-stream'],
  ] as const;

  it.each(ROUTES)('%s past the limit, sent in full before reading: no reset, the 413 is there to read', async (_what, method, path, type) => {
    const client = await rawSend(method, path, type, HUGE, HUGE);
    expect(client.writeError).toBeUndefined();
    expect(client.sent).toBe(HUGE);
    client.socket.end();
    await client.closed;
    expect(client.response).toMatch(/^HTTP\/1\.1 413 /);
  });

  it.each(ROUTES)('%s declared far past the limit: the server reads at most DRAIN_BYTES of the rest, then closes', async (_what, method, path, type) => {
    const cap = 4 * DRAIN_BYTES;
    const client = await rawSend(method, path, type, 1024 * 1024 * 1024, cap);
    if (!client.socket.destroyed) client.socket.destroy();
    await client.closed;
    expect(client.response).toMatch(/^HTTP\/1\.1 413 /);
    expect(client.sent).toBeGreaterThan(DRAIN_BYTES);
    expect(client.sent).toBeLessThan(cap);
  });
});
