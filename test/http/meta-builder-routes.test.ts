import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { expectXanoError, metaClient } from '../support/xano.js';

/**
 * What tools read first from Xano's function builder, which Strata does not have. The
 * requests are the tools' own: the community CLI's list calls
 * (kobylinski/xano-cli src/lib/api/{apis,functions,tasks,triggers}.ts: `?branch=&page=1&per_page=100&include_xanoscript=true`,
 * creates as `text/x-xanoscript` bodies), Xano's CLI `apigroup list` / `function list`
 * (xano-inc/cli src/commands/*\/list/index.ts). A list is an empty page; a create is a 400
 * in Xano's envelope; never "no route", never a table_id error for `/table/trigger`.
 */
const LISTS = ['apigroup', 'apigroup/1/api', 'function', 'task', 'table/trigger', 'multidoc'];

describeEachEngine('Metadata API: function-builder lists tools read', (engine) => {
  let s: RunningStrata;
  let api: ReturnType<typeof metaClient>;
  let ws: number;
  beforeAll(async () => {
    s = await startStrata(engine);
    api = metaClient(s);
    ws = (await api.ok('POST', '/workspace', { name: 'builder' })).id;
  });
  afterAll(async () => { await s?.close(); });

  it('every list answers an empty page in Xano\'s paging shape', async () => {
    for (const list of LISTS) {
      for (const query of ['?branch=&page=1&per_page=100&include_xanoscript=true', '?page=2', '']) {
        const res = await api.call('GET', `/workspace/${ws}/${list}${query}`);
        expect({ list, query, status: res.status, body: res.body }).toEqual({ list, query, status: 200, body: { curPage: query === '?page=2' ? 2 : 1, nextPage: null, prevPage: query === '?page=2' ? 1 : null, items: [] } });
      }
    }
  });

  it('creating one is a 400 saying why (JSON or XanoScript body); one by id is a 404; an unknown workspace is a 404', async () => {
    for (const list of LISTS) {
      expectXanoError(await api.call('POST', `/workspace/${ws}/${list}`, { name: 'x' }), 400, undefined, /Strata has no function builder/);
      const xs = await s.request('POST', `/api:meta/workspace/${ws}/${list}?branch=`, 'function foo {\n}\n', { 'content-type': 'text/x-xanoscript' });
      expectXanoError(xs, 400, undefined, /Strata has no function builder/);
      for (const method of ['GET', 'PUT', 'DELETE']) expectXanoError(await api.call(method, `/workspace/${ws}/${list}/7`), 404, undefined, /\[7\] not found/);
      expectXanoError(await api.call('GET', `/workspace/999999/${list}`), 404);
    }
    // `/table/trigger` is never read as `/table/{table_id}`: a bad trigger id names trigger_id.
    expectXanoError(await api.call('GET', `/workspace/${ws}/table/trigger/abc`), 400, 'trigger_id');
  });
});
