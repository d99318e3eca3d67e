import fs from 'node:fs';
import net from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { openSse } from '../support/sse.js';
import { DEFAULT_OPS } from '../../src/config-ops.js';

const IDLE_MS = 500;
const openFds = () => fs.readdirSync('/proc/self/fd').length;

/** A full collection, whatever flags the worker was started with (the server runs in this process). */
v8.setFlagsFromString('--expose-gc');
const collect = vm.runInNewContext('gc') as () => void;
/** Memory a leak of requests or of their bytes would hold: V8's heap and the buffers outside it. */
function retained(): { heap: number; buffers: number } {
  for (let i = 0; i < 3; i++) collect();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, buffers: m.arrayBuffers };
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Sends a binary PUT's headers (declaring `length` bytes) over a raw socket; answers the socket and when it closed. */
function startUpload(url: string, path: string, token: string, length: number) {
  const { port } = new URL(url);
  const socket = net.connect(Number(port), '127.0.0.1');
  let answer = '';
  socket.on('data', (chunk) => { answer += chunk; });
  socket.on('error', () => undefined);
  const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now())));
  socket.write(`PUT ${path} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${token}\r\ncontent-type: application/octet-stream\r\ncontent-length: ${length}\r\n\r\n`);
  return { socket, closed, answer: () => answer };
}

/**
 * A client that starts an upload and then stalls with its connection open is cut off, and leaves
 * nothing behind; clients that vanish mid-body leave no memory, fds or partial blobs either.
 */
describeEachEngine('stalled uploads', (engine) => {
  let s: RunningStrata;
  let record: string;
  const blobCount = async () => { let n = 0; for await (const _ of s.strata.storage.blobs.list()) n++; return n; };
  beforeAll(async () => {
    s = await startStrata(engine, { ops: { ...DEFAULT_OPS, changes: { retain: 100, heartbeatMs: 60_000 }, timeouts: { requestMs: 300_000, idleMs: IDLE_MS } } });
    expect((await s.request('PUT', '/workspaces/local/dbs/slow', {})).status).toBe(201);
    expect((await s.request('PUT', '/db/slow:main/tables/docs', { columns: [{ name: 'title', type: 'string' }, { name: 'doc', type: 'file' }] })).status).toBe(201);
    record = (await s.request('POST', '/db/slow:main/tables/docs/data', { title: 'one' })).body.id;
  });
  afterAll(async () => { await s?.close(); });

  const filePath = () => `/db/slow:main/tables/docs/data/${record}/column/doc/file`;

  it('keeps a slow upload that never stops for longer than the idle timeout', async () => {
    const upload = startUpload(s.url, filePath(), s.token, 4 * 50_000);
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, IDLE_MS * 0.6));
      upload.socket.write(Buffer.alloc(50_000, i));
    }
    await until(() => upload.answer().includes('\r\n\r\n'));
    expect(upload.answer()).toMatch(/^HTTP\/1\.1 201/);
    upload.socket.destroy();
    expect((await s.download(filePath())).bytes.length).toBe(200_000);
  });

  it('closes the connection of an upload that stalls, removes the partial blob and returns fds and streams to baseline', async () => {
    const blobs = await blobCount();
    const fds = openFds();
    const stream = await openSse(`${s.url}/db/slow:main/changes`, s.token);
    const upload = startUpload(s.url, filePath(), s.token, 1_000_000);
    upload.socket.write(Buffer.alloc(100_000, 9));
    const started = Date.now();
    const closedAt = await Promise.race([upload.closed, new Promise<number>((r) => setTimeout(() => r(-1), 10_000))]);
    expect(closedAt).toBeGreaterThan(0);
    expect(closedAt - started).toBeGreaterThanOrEqual(IDLE_MS * 0.8);
    // Nothing of it is kept: the record keeps its file, no partial blob (file or rows) is left.
    await until(async () => await blobCount() === blobs);
    if (engine.name === 'sqlite') expect((fs.readdirSync(`${s.config.dataDir}/blobs`, { recursive: true }) as string[]).filter((f) => f.endsWith('.partial'))).toEqual([]);
    expect((await s.download(filePath())).bytes.length).toBe(200_000);
    // A change stream is exempt: open through all of it (and longer than the idle timeout), it still delivers.
    await s.request('PATCH', `/db/slow:main/tables/docs/data/${record}`, { title: 'after' });
    expect((await stream.waitFor(1))[0]!.data).toMatchObject({ op: 'update', record: { title: 'after' } });
    stream.close();
    await until(() => s.strata.changes.stats.subscribers === 0);
    await until(() => openFds() <= fds);
  });

  it('returns memory, fds and blobs to baseline after many uploads abandoned mid-body', async () => {
    const blobs = await blobCount();
    const CHUNK = Buffer.alloc(256 * 1024, 5);
    /** Uploads that send 512 KiB of a declared 2 MiB and then go away (a killed client), `n` at a time. */
    const abandon = async (n: number) => {
      const uploads = Array.from({ length: n }, () => startUpload(s.url, filePath(), s.token, 2 * 1024 * 1024));
      for (const u of uploads) { u.socket.write(CHUNK); u.socket.write(CHUNK); }
      // The server has read the bytes (each upload's blob exists) before the clients vanish.
      await until(async () => await blobCount() === blobs + n);
      for (const u of uploads) u.socket.destroy();
      await until(async () => await blobCount() === blobs);
    };
    // Warm-up at the same concurrency: lazy allocations, compiled code, the PostgreSQL pool grown to its size.
    await abandon(8);
    // A PostgreSQL pool connection opened meanwhile (a busy machine) is one more socket, not a leak.
    const poolSize = () => s.strata.storage.poolStats?.().total ?? 0;
    const fds = openFds() - poolSize();
    const before = retained();
    for (let round = 0; round < 8; round++) await abandon(8);
    await until(() => openFds() - poolSize() <= fds, 15_000);
    const after = retained();
    // 64 uploads × 512 KiB = 32 MiB went through; a leak of their bytes or of their requests would show.
    expect(after.buffers - before.buffers).toBeLessThan(4 * 1024 * 1024);
    expect(after.heap - before.heap).toBeLessThan(8 * 1024 * 1024);
    expect((await s.download(filePath())).bytes.length).toBe(200_000);
  });
});
