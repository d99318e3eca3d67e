import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { metaClient } from '../support/xano.js';

/**
 * Request history keeps no secret a viewer could read (viewers hold `history:read`): values of
 * password and sensitive columns are redacted by the column's type, whatever the column is
 * called and however deep the body holds them (single, bulk, patch, transactions), in input
 * and in output (the data API answers password hashes); credential headers — the console's
 * `x-csrf-token` included — like Authorization; `pin`/`passcode`/`otp` keys by name.
 */
// Column names no key-name rule would catch: only the schema says they are secret.
const SCHEMA = [
  { name: 'id', type: 'int' },
  { name: 'name', type: 'text' },
  { name: 'hush', type: 'password' },
  { name: 'ident', type: 'text', sensitive: true },
  { name: 'note', type: 'text' },
  { name: 'prefs', type: 'json' },
];
const pw = (n: number) => `Quasar-${n}-Hunter2!`;
const IDENT = 'ident-078-05-1120';
const NOTE = 'a plain note anyone may read';
const PIN = 'pin-4321-zz';
const PASSCODE = 'passcode-9876-zz';
const OTP = 'otp-123456-zz';

describeEachEngine('request history keeps no secrets', (engine) => {
  let s: RunningStrata;
  let api: ReturnType<typeof metaClient>;
  let ws: number;
  let content: string;
  let viewer: string;
  beforeAll(async () => {
    // No timed flush: each test decides when the batch is written (historyText).
    s = await startStrata(engine, { historyTiming: { flushIntervalMs: 3_600_000 } });
    api = metaClient(s);
    ws = (await api.ok('POST', '/workspace', { name: 'secrets' })).id;
    const table = (await api.ok('POST', `/workspace/${ws}/table`, { name: 'users', schema: SCHEMA })).id;
    content = `/workspace/${ws}/table/${table}/content`;
    const account = await s.strata.accounts.create({ email: 'viewer@test.local', password: 'password-1' });
    expect((await s.request('PUT', `/api:meta/workspace/${ws}/member/${account.id}`, { role: 'viewer' })).status).toBe(200);
    viewer = (await s.strata.tokens.create(account, { name: 'viewer' })).secret;
  });
  afterAll(async () => { await s?.close(); });

  /** Everything a viewer reads of the workspace's history, as one text. */
  async function historyText(): Promise<string> {
    await s.strata.history.recorder.flush();
    const res = await s.request('GET', `/api:meta/workspace/${ws}/request_history?per_page=500&include_output=true`, undefined, { authorization: `Bearer ${viewer}` });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return JSON.stringify(res.body);
  }

  it('password and sensitive column values never reach history, through either API, single or bulk, in input or output', async () => {
    const data = '/db/secrets:main/tables/users';
    const created = await api.ok('POST', content, { name: 'Ada', hush: pw(1), ident: IDENT, note: NOTE });
    await api.ok('PUT', `${content}/${created.id}`, { hush: pw(2), ident: IDENT });
    await api.ok('POST', `${content}/bulk`, { items: [{ name: 'Bo', hush: pw(3), ident: IDENT }, { name: 'Cy', hush: pw(4) }] });
    await api.ok('POST', `${content}/bulk/patch`, { items: [{ row_id: created.id, updates: { hush: pw(5), ident: IDENT } }] });
    await api.ok('POST', `${content}/search/patch`, { search: [{ name: 'Ada' }], updates: { hush: pw(6) } });
    const viaData = await s.request('POST', `${data}/data`, { name: 'Di', hush: pw(7), ident: IDENT, note: NOTE });
    expect(viaData.status, JSON.stringify(viaData.body)).toBe(201);
    expect(viaData.body.hush).toMatch(/^scrypt\$/); // the data API answers the hash…
    expect((await s.request('PATCH', `${data}/data/${viaData.body.id}`, { hush: pw(8) })).status).toBe(200);
    expect((await s.request('GET', `${data}/data/${viaData.body.id}`)).status).toBe(200);
    expect((await s.request('POST', `${data}/query`, { filter: { ident: IDENT } })).status).toBe(200);
    expect((await s.request('POST', `${data}/bulk`, { records: [{ name: 'Ed', hush: pw(9), ident: IDENT }] })).status).toBe(200);
    const tx = await s.request('POST', '/db/secrets:main/transaction', { operations: [
      { insert: { table: 'users', record: { name: 'Fay', hush: pw(10), ident: IDENT }, columns: ['hush', 'ident'] } },
      { update: { table: 'users', id: viaData.body.id, fields: { hush: pw(11) }, columns: ['*'] } },
    ] });
    expect(tx.status, JSON.stringify(tx.body)).toBe(200);
    // A refused write (a password too short for no policy? a bad type) echoes nothing either.
    expect((await s.request('POST', `${data}/data`, { hush: 12345, ident: IDENT })).status).toBe(400);

    const text = await historyText();
    expect(text).toContain(NOTE); // the entries are there, with what is not secret…
    expect(text).toContain('Ada');
    for (let n = 1; n <= 11; n++) expect(text, `password ${n}`).not.toContain(pw(n));
    expect(text).not.toContain(IDENT);
    expect(text).not.toContain('scrypt$'); // …and no hash from the data API's answers
  });

  it('the schema as the request saw it counts: a table dropped before the batch is written still has its secrets redacted', async () => {
    const table = (await api.ok('POST', `/workspace/${ws}/table`, { name: 'shortlived', schema: [{ name: 'id', type: 'int' }, { name: 'whisper', type: 'password' }, { name: 'note', type: 'text' }] })).id;
    await api.ok('POST', `/workspace/${ws}/table/${table}/content`, { whisper: pw(20), note: NOTE });
    await api.ok('DELETE', `/workspace/${ws}/table/${table}`);
    expect(await historyText()).not.toContain(pw(20));
  });

  it('when the schema is not at hand as the request ends, the batch looks it up before writing', async () => {
    const loadedSchema = s.strata.databases.loadedSchema;
    s.strata.databases.loadedSchema = () => undefined;
    try {
      await api.ok('POST', content, { name: 'Jo', hush: pw(21), ident: IDENT, note: NOTE });
      expect((await s.request('POST', '/db/secrets:main/tables/users/data', { name: 'Ko', hush: pw(22) })).status).toBe(201);
    } finally {
      s.strata.databases.loadedSchema = loadedSchema;
    }
    const text = await historyText();
    for (const secret of [pw(21), pw(22), IDENT, 'scrypt$']) expect(text).not.toContain(secret);
  });

  it('pin, passcode and otp keys are redacted by name, at any depth', async () => {
    await api.ok('POST', content, { name: 'Gil', note: NOTE, prefs: { pin: PIN, passcode: PASSCODE, otp: OTP, theme: 'dark' } });
    await s.request('POST', '/db/secrets:main/tables/users/data', { name: 'Hal', prefs: { security: { pin_code: PIN, one_time_code: OTP } } });
    const text = await historyText();
    expect(text).toContain('dark');
    for (const secret of [PIN, PASSCODE, OTP]) expect(text).not.toContain(secret);
  });

  it('a console session\'s x-csrf-token and cookies are redacted like Authorization', async () => {
    const login = await s.request('POST', '/api:meta/auth/login', { email: 'owner@test.local', password: 'owner-password' }, { authorization: '' });
    expect(login.status).toBe(200);
    const session = /strata_session=([^;]*)/.exec(login.headers.getSetCookie().join('\n'))![1]!;
    const csrf = login.body.csrf_token as string;
    const headers = { authorization: '', cookie: `strata_session=${session}; strata_csrf=${csrf}`, 'x-csrf-token': csrf, 'x-api-key': 'key-abcdef-zz', 'proxy-authorization': 'Basic cHJveHk6c2VjcmV0' };
    expect((await s.request('POST', `/api:meta${content}`, { name: 'Ivy', note: NOTE }, headers)).status).toBe(200);
    const text = await historyText();
    expect(text).toContain('x-csrf-token: [redacted]');
    for (const secret of [csrf, session, 'key-abcdef-zz', 'cHJveHk6c2VjcmV0']) expect(text).not.toContain(secret);
  });
});
