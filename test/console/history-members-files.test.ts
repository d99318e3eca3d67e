import { beforeAll, expect, test } from 'vitest';
import { sqliteEngine } from '../support/engines.js';
import { startStrata } from '../support/strata-server.js';
import { consoleSuite, describeInBrowser, expectNoConsoleErrors, openConsole, signIn, visit } from '../support/browser.js';

/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

describeInBrowser('console: request history, members, files', () => {
  const suite = consoleSuite(async () => ({ server: await startStrata(sqliteEngine) }));
  let workspaceId: number;
  beforeAll(async () => {
    expect((await suite.server.request('PUT', '/workspaces/local/dbs/app', { region: 'local' })).status).toBe(201);
    expect((await suite.server.request('PUT', '/db/app:main/tables/posts', { columns: [{ name: 'title', type: 'string' }] })).status).toBe(201);
    workspaceId = (await suite.server.request('GET', '/api:meta/workspace')).body.find((w: { name: string }) => w.name === 'app').id;
  });

  test('request history: filter by errors, by method and path; open an entry in full', async () => {
    expect((await suite.server.request('POST', '/db/app:main/tables/posts/data', { title: 'hello' })).status).toBe(201);
    expect((await suite.server.request('POST', '/db/app:main/tables/posts/query', {})).status).toBe(200);
    expect((await suite.server.request('GET', '/db/app:main/tables/posts/data/rec_missing')).status).toBe(404);
    expect((await suite.server.request('POST', '/db/app:main/tables/posts/query', { filter: { nope: 1 } })).status).toBe(400);
    // History is written in batches, in request order: once the last request (the 400) is
    // stored, every earlier one is too. Wait for it (bounded), then count.
    const stored = async () => (await suite.server.request('GET', `/api:meta/workspace/${workspaceId}/request_history?per_page=100`)).body.items as Array<{ status: number }>;
    await expect.poll(async () => (await stored()).some((entry) => entry.status === 400), { timeout: 20_000 }).toBe(true);

    const c = await openConsole(suite.browser, suite.server.url);
    const { page } = c;
    await signIn(page, 'owner@test.local', 'owner-password');
    // The workspace's whole history keeps growing while the test reads it (every read of it,
    // the console's and the test's, is a request of the workspace, stored a moment later), so
    // the screen is compared with what the test made: the five requests to posts (its creation and the four above).
    // The path filter in the URL matches none of the history reads (their query strings are
    // percent-encoded), so this view holds still.
    await visit(page, `/w/app/history?path=${encodeURIComponent('/db/app:main/tables/posts')}`);
    await page.locator('section[aria-labelledby="history-title"][data-ready]').waitFor({ timeout: 25_000 });
    const table = page.getByRole('table', { name: 'Requests' });
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBe(5);
    expect(await page.getByRole('img', { name: /^Requests over time: / }).getAttribute('aria-label')).toMatch(/^Requests over time: 5 requests, 2 errors/);
    await c.screenshot('history');

    await page.getByLabel('Status').selectOption('errors');
    await expect.poll(() => rows.count()).toBe(2);
    expect((await rows.allTextContents()).every((t) => /404|400/.test(t))).toBe(true);
    expect(page.url()).toContain('status=errors');

    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Method').selectOption('POST');
    await page.getByLabel('Path contains').fill('/db/app:main/tables/posts/query');
    await expect.poll(() => rows.count()).toBe(2);
    const texts = await rows.allTextContents();
    expect(texts.every((t) => t.includes('POST') && t.includes('/tables/posts/query'))).toBe(true);
    expect(texts.some((t) => t.includes('400'))).toBe(true);

    await page.getByRole('button', { name: /Details of POST \/db\/app:main\/tables\/posts\/query \(400\)/ }).click();
    const detail = page.getByRole('dialog', { name: 'POST /db/app:main/tables/posts/query' });
    await detail.waitFor();
    await expect.poll(() => detail.getByLabel('Output').textContent()).toContain('message');
    const text = await detail.textContent();
    expect(text).toContain('"nope": 1'); // the input
    expect(text).toMatch(/tok_/); // the token that made it
    await c.screenshot('history-detail');
    await detail.getByRole('button', { name: 'Close' }).click();
    expectNoConsoleErrors(c);
    await c.close();
  });

  test('members: add an account by email as viewer, make it editor, remove it', async () => {
    await suite.server.strata.accounts.create({ email: 'second@test.local', password: 'second-password', name: 'Second' });
    // The unknown email's 404 is logged by the browser as a failed request.
    const c = await openConsole(suite.browser, suite.server.url, { expectedErrors: [/404/] });
    const { page } = c;
    await signIn(page, 'owner@test.local', 'owner-password');
    await visit(page, '/w/app/members');
    await page.getByRole('heading', { name: /Members/ }).waitFor();
    await page.getByText('No members yet').waitFor();

    await page.getByRole('button', { name: 'Add member' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a member' });
    await dialog.getByLabel('Email').fill('nobody@test.local');
    await dialog.getByLabel('Role').selectOption('viewer');
    await dialog.getByRole('button', { name: 'Add member' }).click();
    await expect.poll(() => dialog.getByRole('alert').textContent()).toContain('account [nobody@test.local] not found');
    await dialog.getByLabel('Email').fill('second@test.local');
    await dialog.getByRole('button', { name: 'Add member' }).click();
    const role = page.getByLabel('Role of second@test.local');
    await expect.poll(() => role.inputValue()).toBe('viewer');
    const members = async () => (await suite.server.request('GET', `/api:meta/workspace/${workspaceId}/member`)).body.map((m: { email: string; role: string }) => `${m.email}:${m.role}`);
    expect(await members()).toEqual(['second@test.local:viewer']);
    await c.screenshot('members');

    await role.selectOption('editor');
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'is now editor' }).count()).toBe(1);
    expect(await members()).toEqual(['second@test.local:editor']);

    await page.getByRole('button', { name: 'Remove second@test.local' }).click();
    const confirm = page.getByRole('dialog', { name: 'Remove member?' });
    expect(await confirm.textContent()).toContain('second@test.local');
    await confirm.getByRole('button', { name: 'Remove member' }).click();
    await page.getByText('No members yet').waitFor();
    expect(await members()).toEqual([]);
    expectNoConsoleErrors(c);
    await c.close();
  });

  test('members: a custom permission set from the scope matrix limits the member\'s tokens; back to the role\'s', async () => {
    const account = await suite.server.strata.accounts.create({ email: 'custom@test.local', password: 'custom-password', name: 'Custom' });
    expect((await suite.server.request('PUT', `/api:meta/workspace/${workspaceId}/member/custom@test.local`, { role: 'editor' })).status).toBe(200);
    const { secret } = await suite.server.strata.tokens.create(account, { name: 'full' }); // full scopes: the membership limits it
    const asMember = (method: string, path: string, body?: unknown) => suite.server.request(method, path, body, { authorization: `Bearer ${secret}` });
    expect((await asMember('POST', '/db/app:main/tables/posts/data', { title: 'by an editor' })).status).toBe(201);
    const permissions = async () => (await suite.server.request('GET', `/api:meta/workspace/${workspaceId}/member`)).body.find((m: { email: string }) => m.email === 'custom@test.local');

    const c = await openConsole(suite.browser, suite.server.url);
    const { page } = c;
    await signIn(page, 'owner@test.local', 'owner-password');
    await visit(page, '/w/app/members');
    await page.getByRole('button', { name: 'Permissions of custom@test.local' }).click();
    const dialog = page.getByRole('dialog', { name: 'Permissions of custom@test.local' });
    await dialog.getByRole('radio', { name: 'Custom' }).check();
    const matrix = dialog.getByRole('group', { name: 'Custom permissions' });
    expect(await matrix.getByRole('checkbox', { name: 'Content: Create' }).isChecked()).toBe(true); // starts from the editor role's
    expect(await matrix.getByRole('checkbox', { name: 'Database: Update' }).isChecked()).toBe(false);
    await matrix.getByRole('button', { name: 'Read-only' }).click();
    await matrix.getByRole('checkbox', { name: 'Content: Update' }).check();
    await c.screenshot('member-permissions');
    await dialog.getByRole('button', { name: 'Save permissions' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('status').filter({ hasText: 'custom@test.local has custom permissions' }).waitFor();
    expect(await permissions()).toMatchObject({ role: 'editor', permissions: 'content:ru,database:r,files:r,history:r' });
    expect(await page.getByRole('row').filter({ hasText: 'custom@test.local' }).textContent()).toContain('custom: content:ru');

    // The member's full-scope token now reads and updates records, and may not create one.
    const created = await asMember('POST', '/db/app:main/tables/posts/data', { title: 'refused' });
    expect(created.status).toBe(403);
    expect((await asMember('POST', '/db/app:main/tables/posts/query', {})).status).toBe(200);

    // An empty custom set is refused in the dialog; the role's permissions come back on request.
    await page.getByRole('button', { name: 'Permissions of custom@test.local' }).click();
    expect(await dialog.getByRole('radio', { name: 'Custom' }).isChecked()).toBe(true);
    expect(await matrix.getByRole('checkbox', { name: 'Content: Update' }).isChecked()).toBe(true); // the saved set
    await matrix.getByRole('button', { name: 'Clear' }).click();
    await dialog.getByRole('button', { name: 'Save permissions' }).click();
    await expect.poll(() => dialog.getByRole('alert').textContent()).toContain('at least one permission');
    await dialog.getByRole('radio', { name: /role's/ }).check();
    await dialog.getByRole('button', { name: 'Save permissions' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await permissions()).toMatchObject({ role: 'editor', permissions: null });
    expect((await asMember('POST', '/db/app:main/tables/posts/data', { title: 'editor again' })).status).toBe(201);
    expectNoConsoleErrors(c);
    await c.close();
  });

  test('files: upload a PNG, see it listed with its preview, delete it', async () => {
    const c = await openConsole(suite.browser, suite.server.url);
    const { page } = c;
    await signIn(page, 'owner@test.local', 'owner-password');
    await visit(page, '/w/app/files');
    await page.getByText('No files yet').waitFor();
    await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'pixel.png', mimeType: 'image/png', buffer: PNG });
    expect(await page.getByRole('combobox', { name: 'Type', exact: true }).inputValue()).toBe('image'); // guessed from the file
    await page.getByRole('button', { name: 'Upload' }).click();
    const table = page.getByRole('table', { name: 'Files' });
    const row = table.getByRole('row').filter({ hasText: 'pixel.png' });
    await row.waitFor();
    expect(await row.textContent()).toContain('image/png');
    const listed = (await suite.server.request('GET', `/api:meta/workspace/${workspaceId}/file`)).body.items;
    expect(listed).toHaveLength(1);
    if (listed[0].url) {
      // The preview is the image itself, loaded from the file's URL.
      const img = row.getByRole('img', { name: 'Preview of pixel.png' });
      await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(1);
    }
    await c.screenshot('files');

    await page.getByLabel('Search').fill('nothing-like-this');
    await page.getByText('No files match').waitFor();
    await page.getByLabel('Search').fill('pix');
    await row.waitFor();

    await row.getByRole('button', { name: 'Delete pixel.png' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete file?' });
    expect(await confirm.textContent()).toContain('pixel.png');
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No files match').waitFor();
    expect((await suite.server.request('GET', `/api:meta/workspace/${workspaceId}/file`)).body.items).toEqual([]);
    expectNoConsoleErrors(c);
    await c.close();
  });

  test('files: bulk delete asks once, naming every file', async () => {
    for (const name of ['a.txt', 'b.txt']) {
      const form = new FormData();
      form.append('content', new File(['x'], name, { type: 'text/plain' }));
      const res = await fetch(`${suite.server.url}/api:meta/workspace/${workspaceId}/file`, { method: 'POST', headers: { authorization: `Bearer ${suite.server.token}` }, body: form });
      expect(res.status).toBe(200);
    }
    const c = await openConsole(suite.browser, suite.server.url);
    const { page } = c;
    await signIn(page, 'owner@test.local', 'owner-password');
    await visit(page, '/w/app/files');
    await page.getByLabel('Select all files on this page').check();
    await page.getByRole('button', { name: 'Delete 2 selected' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete 2 files?' });
    const text = await confirm.textContent();
    expect(text).toContain('a.txt');
    expect(text).toContain('b.txt');
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No files yet').waitFor();
    expect((await suite.server.request('GET', `/api:meta/workspace/${workspaceId}/file`)).body.items).toEqual([]);
    expectNoConsoleErrors(c);
    await c.close();
  });
});
