import { afterAll, beforeAll, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { routeTable } from '../../src/http/route-table.js';

/** The Metadata API documents itself in a document of its own, from its route declarations. */
describeEachEngine('OpenAPI document and Swagger UI of the Metadata API', (engine) => {
  let s: RunningStrata;
  let spec: any;
  beforeAll(async () => {
    s = await startStrata(engine);
    const res = await fetch(`${s.url}/apispec:meta?type=json`);
    expect(res.status).toBe(200);
    spec = await res.json();
  });
  afterAll(async () => { await s?.close(); });

  it('is a valid OpenAPI 3 document, served without a token', async () => {
    const result = await new Validator().validate(spec);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(spec.info.title).toMatch(/Metadata API/);
    expect(spec.servers).toEqual([{ url: '/api:meta', description: 'This instance' }]);
  });

  it('documents every Metadata API route (and only those), with bearer auth and its required scope', () => {
    const toOpenApi = (url: string) => url.slice('/api::meta'.length).replace(/:(\w+)/g, '{$1}');
    const routes = routeTable(s.app).filter((route) => route.method !== 'HEAD' && route.url.startsWith('/api::meta/'));
    expect(routes.length).toBeGreaterThan(40); // 25 column types alone
    for (const route of routes) {
      const operation = spec.paths[toOpenApi(route.url)]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.url}`).toBeDefined();
      expect(operation.summary, `${route.method} ${route.url}`).toBeTruthy();
      if (route.access && 'public' in route.access) { expect(operation.security).toEqual([]); continue; } // console login and logout
      expect(operation.security).toEqual([{ bearerAuth: [] }]);
      const scopes = route.access && 'scopes' in route.access ? route.access.scopes : [];
      if (scopes.length === 0) expect(operation.description).toContain('none (any valid token)');
      else if (scopes.length === 16) expect(operation.description).toContain('full access (every scope), or a console session');
      else for (const scope of scopes) expect(operation.description).toContain(`\`${scope.object}:${scope.action}\``);
    }
    const documented = Object.entries(spec.paths).flatMap(([path, ops]) => Object.keys(ops as object).map((m) => `${m} ${path}`));
    expect(documented.length).toBe(routes.length);
    expect(documented.some((op) => op.includes('/db/'))).toBe(false);
    expect(spec.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('carries request and response examples, errors in Xano\'s envelope, and the Strata extensions say so', () => {
    const create = spec.paths['/workspace/{workspace_id}/table'].post;
    expect(create.requestBody.content['application/json'].schema.example).toMatchObject({ name: 'products' });
    expect(create.responses['200'].content['application/json'].schema.example).toMatchObject({ id: 3, name: 'products' });
    expect(create.responses['404'].content['application/json'].schema.example).toEqual({ code: 'ERROR_CODE_NOT_FOUND', message: expect.any(String), payload: null });
    expect(create.responses['400'].content['application/json'].schema.example.payload).toEqual({ param: 'name' });
    expect(spec.paths['/workspace'].post.description).toMatch(/Strata extension/);
    expect(spec.paths['/workspace/{workspace_id}'].delete.description).toMatch(/Strata extension/);
    const enumColumn = spec.paths['/workspace/{workspace_id}/table/{table_id}/schema/type/enum'].post;
    expect(enumColumn.requestBody.content['application/json'].schema.required).toEqual(expect.arrayContaining(['name', 'values']));
    expect(enumColumn.description).toMatch(/stored as a `string` column/);
    expect(spec.paths['/workspace/{workspace_id}/table'].get.parameters.map((p: { name: string }) => p.name))
      .toEqual(expect.arrayContaining(['workspace_id', 'page', 'per_page', 'search', 'sort', 'order']));
  });

  it('documents the library upload as a multipart body (the route\'s own scoped parser does not change it)', () => {
    const upload = spec.paths['/workspace/{workspace_id}/file'].post;
    const schema = upload.requestBody.content['multipart/form-data'].schema;
    expect(schema.required).toEqual(['content']);
    expect(schema.properties).toMatchObject({ content: { type: 'string', format: 'binary' }, type: { enum: ['image', 'video', 'audio', 'attachment'] }, access: { enum: ['public', 'private'] } });
    expect(upload.description).toMatch(/streamed/);
    expect(spec.paths['/workspace/{workspace_id}/table'].post.requestBody.content).not.toHaveProperty('multipart/form-data');
  });

  it('serves Swagger UI at /api:meta from its own files, pointing at its own document', async () => {
    const bare = await fetch(`${s.url}/api:meta`, { redirect: 'manual' });
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/api:meta/');
    const page = await fetch(`${s.url}/api:meta/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy') ?? '').not.toContain('upgrade-insecure-requests');
    const json = await (await fetch(`${s.url}/api:meta/json`)).json();
    expect(json.info.title).toBe(spec.info.title);
    expect(Object.keys(json.paths)).toEqual(Object.keys(spec.paths));
    // The data API's UI still shows the data API.
    const data = await (await fetch(`${s.url}/api:data/json`)).json();
    expect(data.info.title).toMatch(/data API/);
  });
});
