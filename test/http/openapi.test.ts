import { afterAll, beforeAll, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { routeTable } from '../../src/http/route-table.js';

/** The data API documents itself from its route declarations; the document must be valid OpenAPI and agree with the routes. */
describeEachEngine('OpenAPI document and Swagger UI of the data API', (engine) => {
  let s: RunningStrata;
  let spec: any;
  beforeAll(async () => {
    s = await startStrata(engine);
    const res = await fetch(`${s.url}/apispec:data?type=json`);
    expect(res.status).toBe(200);
    spec = await res.json();
  });
  afterAll(async () => { await s?.close(); });

  it('is a valid OpenAPI 3 document', async () => {
    const result = await new Validator().validate(spec);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('documents every API route, with its required scope and bearer auth exactly as declared', () => {
    const toOpenApi = (url: string) => url.replace(/:(\w+)/g, '{$1}');
    // The Metadata API's routes are in their own document (meta-openapi.test.ts).
    const routes = routeTable(s.app).filter((route) => route.method !== 'HEAD' && !route.url.startsWith('/api::meta'));
    expect(routes.length).toBeGreaterThan(25); // the loop below must have something to check
    for (const route of routes) {
      const operation = spec.paths[toOpenApi(route.url)]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.url}`).toBeDefined();
      expect(operation.summary, `${route.method} ${route.url}`).toBeTruthy();
      if (route.access && 'scopes' in route.access) {
        expect(operation.security).toEqual([{ bearerAuth: [] }]);
        for (const scope of route.access.scopes) expect(operation.description).toContain(`\`${scope.object}:${scope.action}\``);
      } else {
        expect(operation.security).toEqual([]);
      }
    }
    expect(spec.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('leaves the Metadata API out', () => {
    expect(Object.keys(spec.paths).filter((path) => path.includes('meta') || path.startsWith('/workspace/'))).toEqual([]);
  });

  it('carries request and response examples for the record API', () => {
    const get = spec.paths['/db/{dbBranch}/tables/{table}/data/{id}'].get;
    expect(get.responses['200'].content['application/json'].schema.example).toMatchObject({ id: expect.any(String), xata: { version: 0 } });
    expect(get.responses['404'].content['application/json'].schema.example.message).toMatch(/not found/);
    const patch = spec.paths['/db/{dbBranch}/tables/{table}/data/{id}'].patch;
    expect(patch.requestBody.content['application/json'].schema.example).toHaveProperty('stock');
    expect(patch.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['columns', 'ifVersion', 'dbBranch', 'table', 'id']));
  });

  it('serves Swagger UI from its own files, without a token', async () => {
    // The page's assets are relative to a trailing slash, so the bare path redirects there.
    const bare = await fetch(`${s.url}/api:data`, { redirect: 'manual' });
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/api:data/');
    const page = await fetch(`${s.url}/api:data/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    // Same-origin only, and no upgrade-insecure-requests: Strata serves plain HTTP by default.
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    const html = await page.text();
    expect(html).toContain('src="./static/swagger-ui-bundle.js"');
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)[^"']*\.(js|css)/); // no CDN
    const bundle = await fetch(`${s.url}/api:data/static/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    const init = await fetch(`${s.url}/api:data/static/swagger-initializer.js`);
    expect(await init.text()).toContain('json');
  });
});
