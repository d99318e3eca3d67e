import http from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';

/**
 * The Host header and the URLs in answers (file URLs, the Master Metadata API's base URLs).
 * With STRATA_PUBLIC_URL every URL is built from it, whatever Host a request carries; with
 * STRATA_ALLOWED_HOSTS a request for another host is refused (421 in the data API's envelope,
 * an input error on `host` in Xano's), probes aside; with neither, URLs follow Host.
 */
interface Answer { status: number; body: any }

/** A request with a Host header of our choosing (fetch does not let one set it). */
function withHost(s: RunningStrata, method: string, path: string, host: string, body?: unknown): Promise<Answer> {
  const url = new URL(s.url);
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: url.hostname, port: url.port, method, path,
      headers: { host, authorization: `Bearer ${s.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

async function seedFile(s: RunningStrata): Promise<void> {
  expect((await s.request('PUT', '/workspaces/local/dbs/hosts', {})).status).toBe(201);
  expect((await s.request('PUT', '/db/hosts:main/tables/docs', { columns: [{ name: 'doc', type: 'file' }] })).status).toBe(201);
  const doc = { name: 'a.txt', mediaType: 'text/plain', base64Content: Buffer.from('hello').toString('base64'), enablePublicUrl: true };
  expect((await s.request('PUT', '/db/hosts:main/tables/docs/data/d1', { doc })).status).toBe(201);
}

describeEachEngine('the Host header and URLs in answers', (engine) => {
  let open: RunningStrata;
  let pinned: RunningStrata;
  let listed: RunningStrata;
  beforeAll(async () => {
    open = await startStrata(engine);
    pinned = await startStrata(engine, { access: { publicUrl: 'https://data.example.com/strata' } });
    listed = await startStrata(engine, { access: { allowedHosts: ['strata.test', '127.0.0.1', 'internal:8080'], publicUrl: 'http://public.example:8000' } });
    for (const s of [open, pinned, listed]) await seedFile(s);
  });
  afterAll(async () => { await open?.close(); await pinned?.close(); await listed?.close(); });

  it('without a public URL or allowed hosts, URLs follow the Host header (the documented risk)', async () => {
    const res = await withHost(open, 'GET', '/db/hosts:main/tables/docs/data/d1', 'evil.example');
    expect(res.body.doc.url).toMatch(/^http:\/\/evil\.example\/file\//);
  });

  it('with a public URL, every URL in answers is built from it, whatever the Host header says', async () => {
    const record = await withHost(pinned, 'GET', '/db/hosts:main/tables/docs/data/d1', 'evil.example');
    expect(record.status).toBe(200);
    expect(record.body.doc.url).toMatch(/^https:\/\/data\.example\.com\/strata\/file\/[0-9a-v]+$/);
    expect(record.body.doc.signedUrl).toMatch(/^https:\/\/data\.example\.com\/strata\/file\/[0-9a-v]+\?expires=/);
    const instances = await withHost(pinned, 'GET', '/api:meta/instance', 'evil.example');
    expect(instances.body[0].meta_api).toBe('https://data.example.com/strata/api:meta');
  });

  it('with allowed hosts, a request for another host is refused in each face\'s envelope; listed hosts and probes are served', async () => {
    const data = await withHost(listed, 'GET', '/db/hosts:main/tables/docs/data/d1', 'evil.example');
    expect(data).toMatchObject({ status: 421, body: { id: expect.stringMatching(/^req_/), message: 'this server does not answer for host [evil.example]' } });
    const meta = await withHost(listed, 'GET', '/api:meta/workspace', 'evil.example:8080');
    expect(meta).toEqual({ status: 400, body: { code: 'ERROR_CODE_INPUT_ERROR', message: 'this server does not answer for host [evil.example:8080]', payload: { param: 'host' } } });
    // A name without a port allows any port; a name with a port only that one; names are case-insensitive.
    // The public URL's host is allowed too; URLs are the public URL's whichever host was named.
    for (const host of ['strata.test', 'STRATA.test:9999', 'internal:8080', 'public.example:8000']) {
      const ok = await withHost(listed, 'GET', '/db/hosts:main/tables/docs/data/d1', host);
      expect(ok.status, host).toBe(200);
      expect(ok.body.doc.url.startsWith('http://public.example:8000/file/'), host).toBe(true);
    }
    expect((await withHost(listed, 'GET', '/api:meta/workspace', 'public.example:8001')).status).toBe(400);
    expect((await withHost(listed, 'GET', '/api:meta/workspace', 'internal:9090')).status).toBe(400);
    // Load balancers probe by address: /health and /ready answer any host.
    expect((await withHost(listed, 'GET', '/health', '10.0.0.7:8080')).status).toBe(200);
    expect((await withHost(listed, 'GET', '/ready', '10.0.0.7:8080')).status).toBe(200);
    // Refused before authentication: a request without a token for another host is still 421.
    expect((await withHost(listed, 'GET', '/no/such/route', 'evil.example')).status).toBe(421);
  });
});
