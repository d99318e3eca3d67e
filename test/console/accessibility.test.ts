import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { sqliteEngine } from '../support/engines.js';
import { FULL_ACCESS } from '../../src/core/auth/scopes.js';
import { startStrata } from '../support/strata-server.js';
import { startFreshStrata } from '../support/fresh-strata.js';
import { consoleSuite, describeInBrowser, expectNoConsoleErrors, openConsole, signIn, submitSignIn, type ConsolePage, visit } from '../support/browser.js';
import { expectNoAxeViolations, expectNoHorizontalOverflow, focusIsVisible, focusedName } from '../support/accessibility.js';

/**
 * Every main screen of the console, with real data in it, checked by axe-core against WCAG 2.1
 * AA and for sideways scrolling at 1280×720 (a small laptop); and the main flows driven by the
 * keyboard alone.
 */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const COLUMNS = [
  { name: 'title', type: 'string' }, { name: 'count', type: 'int' }, { name: 'done', type: 'bool' },
  { name: 'published', type: 'datetime' }, { name: 'body', type: 'text' }, { name: 'tags', type: 'multiple' }, { name: 'cover', type: 'file' },
];
const VIEWPORT = { width: 1280, height: 720 };
/** An unbreakable string (a URL, a token) where layouts tend to break. */
const LONG = `https://example.com/${'a1b2c3d4'.repeat(24)}`;

/** Both checks on the page as it is now; with `title`, the browser tab names the screen so. */
async function check(page: Page, screen: string, title?: string): Promise<void> {
  if (title) await expect.poll(() => page.title(), { message: `the tab's title on ${screen}` }).toBe(`${title} · Strata`);
  await expectNoAxeViolations(page, screen);
  await expectNoHorizontalOverflow(page, screen);
}

describeInBrowser('console: accessibility (axe-core, WCAG 2.1 AA) and layout at 1280×720', () => {
  const suite = consoleSuite(async () => ({ server: await startStrata(sqliteEngine) }));
  let c: ConsolePage;
  beforeAll(async () => {
    const server = suite.server;
    expect((await server.request('PUT', '/workspaces/local/dbs/app', { region: 'local' })).status).toBe(201);
    expect((await server.request('PUT', '/db/app:main/tables/posts', { columns: COLUMNS })).status).toBe(201);
    const records = [
      { id: 'p1', title: 'Hello world', count: 3, done: true, published: '2025-01-02T03:04:05.000Z', body: 'A first post with a longer body text.', tags: ['news', 'intro'] },
      { id: 'p2', title: 'Second post', count: 12, done: false, body: 'More.' },
      { id: 'p3', title: 'Draft', tags: ['draft'] },
    ];
    for (const { id, ...values } of records) expect((await server.request('PUT', `/db/app:main/tables/posts/data/${id}`, values)).status).toBe(201);
    expect((await server.request('GET', '/db/app:main/tables/posts/data/missing')).status).toBe(404); // an error in the history
    expect((await server.request('POST', '/db/app:main/tables/posts/query', {})).status).toBe(200);
    const workspaceId = (await server.request('GET', '/api:meta/workspace')).body.find((w: { name: string }) => w.name === 'app').id;
    // Long unbreakable values in every kind of place, and a table wider than the screen.
    expect((await server.request('PUT', `/api:meta/workspace/${workspaceId}`, { name: 'app', description: LONG })).status).toBe(200);
    const postsId = (await server.request('GET', `/api:meta/workspace/${workspaceId}/table`)).body.items.find((t: { name: string }) => t.name === 'posts').id;
    expect((await server.request('PUT', `/api:meta/workspace/${workspaceId}/table/${postsId}/meta`, { name: 'posts', description: LONG })).status).toBe(200);
    const wide = Array.from({ length: 14 }, (_, i) => ({ name: `column_number_${i + 1}`, type: 'string' }));
    expect((await server.request('PUT', '/db/app:main/tables/wide', { columns: wide })).status).toBe(201);
    expect((await server.request('PUT', '/db/app:main/tables/wide/data/w1', Object.fromEntries(wide.map((col) => [col.name, LONG])))).status).toBe(201);
    expect((await server.request('PUT', '/workspaces/local/dbs/blank', { region: 'local' })).status).toBe(201);
    await server.createToken(FULL_ACCESS); // a second token in the list
    await server.strata.accounts.create({ email: 'member@test.local', password: 'member-password', name: 'Member' });
    expect((await server.request('PUT', `/api:meta/workspace/${workspaceId}/member/member@test.local`, { role: 'editor' })).status).toBe(200);
    for (const file of [new File([PNG], 'pixel.png', { type: 'image/png' }), new File(['x'], `${'long-file-name-'.repeat(12)}.txt`, { type: 'text/plain' })]) {
      const form = new FormData();
      form.append('content', file);
      expect((await fetch(`${server.url}/api:meta/workspace/${workspaceId}/file`, { method: 'POST', headers: { authorization: `Bearer ${server.token}` }, body: form })).status).toBe(200);
    }
    // History is written in batches: wait (bounded) until it holds the requests above.
    for (let i = 0; i < 100 && (await server.request('GET', `/api:meta/workspace/${workspaceId}/request_history?per_page=100`)).body.items.length < 6; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    c = await openConsole(suite.browser, server.url);
    await c.page.setViewportSize(VIEWPORT);
    await signIn(c.page, 'owner@test.local', 'owner-password');
  });
  afterAll(async () => { await c?.close(); });

  test('the login page, signed out', async () => {
    const out = await openConsole(suite.browser, suite.server.url);
    await out.page.setViewportSize(VIEWPORT);
    await visit(out.page, '/login');
    await out.page.getByRole('button', { name: 'Sign in' }).waitFor();
    await check(out.page, 'the login page', 'Sign in');
    expectNoConsoleErrors(out);
    await out.close();
  });

  test('the checks catch what they look for (an unlabelled input, faint text, a too-wide block)', async () => {
    const probe = await openConsole(suite.browser, suite.server.url);
    await probe.page.setViewportSize(VIEWPORT);
    await visit(probe.page, '/login');
    await probe.page.getByRole('button', { name: 'Sign in' }).waitFor();
    await probe.page.evaluate(() => {
      const form = document.querySelector('form')!;
      form.insertAdjacentHTML('beforeend', '<input type="text"><p style="color:#bbb;background:#fff">faint</p><div style="width:2000px">wide</div>');
    });
    const axe = await expectNoAxeViolations(probe.page, 'a broken page').then(() => '', (err: Error) => err.message);
    expect(axe).toMatch(/label/);
    expect(axe).toMatch(/color-contrast/);
    expect(await expectNoHorizontalOverflow(probe.page, 'a broken page').then(() => '', (err: Error) => err.message)).toMatch(/scrolls sideways.*div ends at/);
    await probe.close();
  });

  test('workspaces, and the new workspace dialog', async () => {
    const { page } = c;
    await visit(page, '/');
    await page.getByRole('link', { name: 'app', exact: true }).waitFor();
    await check(page, 'the workspaces page', 'Workspaces');
    await page.getByRole('button', { name: 'New workspace' }).click();
    const dialog = page.getByRole('dialog', { name: 'New workspace' });
    await dialog.waitFor();
    await check(page, 'the new workspace dialog');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expectNoConsoleErrors(c);
  });

  test('tables, and the new table dialog', async () => {
    const { page } = c;
    await visit(page, '/w/app/b/main');
    await page.getByRole('link', { name: 'posts', exact: true }).waitFor();
    await check(page, 'the tables page', 'Tables in app');
    await page.getByRole('button', { name: 'New table' }).click();
    const dialog = page.getByRole('dialog', { name: /table/i });
    await dialog.waitFor();
    await check(page, 'the new table dialog');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Delete posts' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete table posts?' });
    await confirm.waitFor();
    await check(page, 'the delete table dialog (type the name to confirm)');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'New branch' }).click();
    await page.getByRole('dialog', { name: 'New branch' }).waitFor();
    await check(page, 'the new branch dialog');
    await page.getByRole('dialog', { name: 'New branch' }).getByRole('button', { name: 'Cancel' }).click();
    expect((await suite.server.request('PUT', '/db/app:scratch', {})).status).toBe(201);
    await visit(page, '/w/app/b/scratch');
    await page.getByRole('button', { name: 'Delete branch' }).click();
    const deleteBranch = page.getByRole('dialog', { name: 'Delete branch scratch?' });
    await deleteBranch.waitFor();
    await check(page, 'the delete branch dialog (type the name to confirm)');
    await deleteBranch.getByRole('button', { name: 'Cancel' }).click();
    expect((await suite.server.request('DELETE', '/db/app:scratch')).status).toBe(200);

    await visit(page, '/w/blank/b/main');
    await page.getByText('Branch main has no tables yet').waitFor();
    await check(page, 'the tables page of an empty workspace', 'Tables in blank');
    expectNoConsoleErrors(c);
  });

  test('schema, and the add column dialog', async () => {
    const { page } = c;
    await visit(page, '/w/app/b/main/t/posts/schema');
    await page.getByRole('button', { name: 'Edit title' }).waitFor();
    await check(page, 'the schema page', 'Schema of posts in app');
    await page.getByRole('button', { name: 'Add column' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await check(page, 'the add column dialog');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Edit title' }).click();
    await page.getByRole('dialog').waitFor();
    await check(page, 'the edit column dialog');
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    expectNoConsoleErrors(c);
  });

  test('records grid: rows, the filter builder open, an edit in progress, the add record dialog', async () => {
    const { page } = c;
    await visit(page, '/w/app/b/main/t/posts');
    await page.getByRole('grid', { name: 'Records of posts' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await check(page, 'the records grid', 'posts in app');

    await page.getByRole('button', { name: 'Filters' }).click();
    const filters = page.getByRole('form', { name: 'Filters' });
    await filters.getByRole('button', { name: 'Add condition' }).click();
    await filters.getByRole('group', { name: 'Condition 1' }).getByLabel('Column').selectOption('count');
    await page.getByLabel('Select record p1').check();
    await check(page, 'the records grid with the filter builder open and a row selected');

    await page.getByRole('gridcell', { name: 'Hello world', exact: true }).dblclick();
    await page.getByLabel('title of p1').waitFor();
    await check(page, 'the records grid with a cell being edited');
    await page.getByLabel('title of p1').press('Escape');

    await page.getByRole('button', { name: 'Add record' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Add a record to posts' });
    await dialog.waitFor();
    await check(page, 'the add record dialog');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Delete record p2' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete record' });
    await confirm.waitFor();
    await check(page, 'the delete record dialog');
    await confirm.getByRole('button', { name: 'Cancel' }).click();

    // Fourteen columns of long values: the grid scrolls inside its own box, not the page.
    await visit(page, '/w/app/b/main/t/wide');
    await page.getByRole('grid', { name: 'Records of wide' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await check(page, 'the records grid of a wide table', 'wide in app');
    expectNoConsoleErrors(c);
  });

  test('files', async () => {
    const { page } = c;
    await visit(page, '/w/app/files');
    await page.getByRole('table', { name: 'Files' }).getByRole('row').filter({ hasText: 'pixel.png' }).waitFor();
    await page.getByRole('table', { name: 'Files' }).getByRole('row').filter({ hasText: 'long-file-name-long' }).waitFor();
    await check(page, 'the files page', 'Files of app');
    expectNoConsoleErrors(c);
  });

  test('members, and the add member dialog', async () => {
    const { page } = c;
    await visit(page, '/w/app/members');
    await page.getByLabel('Role of member@test.local').waitFor();
    await check(page, 'the members page', 'Members of app');
    await page.getByRole('button', { name: 'Add member' }).click();
    await page.getByRole('dialog', { name: 'Add a member' }).waitFor();
    await check(page, 'the add member dialog');
    await page.getByRole('dialog', { name: 'Add a member' }).getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Permissions of member@test.local' }).click();
    const permissions = page.getByRole('dialog', { name: 'Permissions of member@test.local' });
    await permissions.getByRole('radio', { name: 'Custom' }).check();
    await permissions.getByRole('group', { name: 'Custom permissions' }).waitFor();
    await check(page, 'the member permissions dialog (custom permissions)');
    await permissions.getByRole('button', { name: 'Cancel' }).click();
    expectNoConsoleErrors(c);
  });

  test('request history, and an entry in full', async () => {
    const { page } = c;
    await visit(page, '/w/app/history');
    // A query's output is long: its box scrolls, and must be reachable by keyboard to be read.
    // (the oldest one: the one made before the console's own queries)
    const details = page.getByRole('button', { name: 'Details of POST /db/app:main/tables/posts/query (200)' }).last();
    await details.waitFor();
    await check(page, 'the request history page', 'Request history of app');
    await details.click();
    const dialog = page.getByRole('dialog', { name: 'POST /db/app:main/tables/posts/query' });
    await dialog.waitFor();
    await expect.poll(() => dialog.getByLabel('Output').textContent()).toContain('Hello world');
    await check(page, 'the request detail dialog');
    await dialog.getByRole('button', { name: 'Close' }).click();
    expectNoConsoleErrors(c);
  });

  test('access tokens, and the new token dialog', async () => {
    const { page } = c;
    await visit(page, '/tokens');
    await expect.poll(() => page.getByRole('table', { name: 'Access tokens' }).getByRole('row').count()).toBeGreaterThanOrEqual(3);
    await check(page, 'the access tokens page', 'Access tokens');
    await page.getByRole('button', { name: 'New token' }).click();
    const dialog = page.getByRole('dialog', { name: 'New access token' });
    await dialog.waitFor();
    await check(page, 'the new token dialog');
    await dialog.getByLabel('Name').fill('a11y');
    await dialog.getByRole('button', { name: 'Create token' }).click();
    const shown = page.getByRole('dialog', { name: 'Token “a11y” created' });
    await shown.waitFor();
    await check(page, 'the token secret dialog');
    await shown.getByRole('button', { name: 'Done' }).click();
    expectNoConsoleErrors(c);
  });

  test('an error in the API\'s words (a table that does not exist)', async () => {
    const e = await openConsole(suite.browser, suite.server.url, { expectedErrors: [/status of 404/] });
    await e.page.setViewportSize(VIEWPORT);
    await signIn(e.page, 'owner@test.local', 'owner-password');
    await visit(e.page, '/w/app/b/main/t/nope');
    await expect.poll(() => e.page.getByRole('alert').first().textContent()).toContain('not found');
    await check(e.page, 'the records page of a missing table');
    expectNoConsoleErrors(e);
    await e.close();
  });

  test('an unknown address', async () => {
    const { page } = c;
    await visit(page, '/w/app/nowhere');
    await page.getByRole('heading', { level: 1 }).waitFor();
    await check(page, 'the not-found page', 'Page not found');
    expectNoConsoleErrors(c);
  });

  test('keyboard only: sign in from the form with Tab and Enter', async () => {
    const k = await openConsole(suite.browser, suite.server.url);
    const { page } = k;
    await visit(page, '/login');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    // The form opens with the focus in Email; Tab goes on to Password, then to the button.
    const order = [await focusedName(page)];
    for (let i = 0; i < 2; i++) {
      await page.keyboard.press('Tab');
      order.push(await focusedName(page));
    }
    expect(order).toEqual(['input:Email', 'input:Password', 'button:Sign in']);
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    expect(await focusedName(page)).toBe('input:Email');
    await page.keyboard.type('owner@test.local');
    await page.keyboard.press('Tab');
    await page.keyboard.type('owner-password');
    await page.keyboard.press('Enter');
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    expectNoConsoleErrors(k);
    await k.close();
  });

  test('keyboard only: skip to the content, reach New table and each table\'s links, open a table with Enter, focus starts at the new screen', async () => {
    expect((await suite.server.request('PUT', '/db/app:main/tables/authors', { columns: [{ name: 'name', type: 'string' }] })).status).toBe(201);
    const { page } = c;
    await visit(page, '/w/app/b/main');
    await page.getByRole('link', { name: 'authors', exact: true }).waitFor();
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('Tab');
    expect(await focusedName(page)).toBe('a:Skip to content');
    expect(await focusIsVisible(page)).toBe(true);
    await page.keyboard.press('Enter'); // past the sidebar, into the content
    const reached: string[] = [];
    const unseen: string[] = [];
    for (let i = 0; i < 30 && !reached.includes('button:Delete posts'); i++) {
      await page.keyboard.press('Tab');
      reached.push(await focusedName(page));
      if (!(await focusIsVisible(page))) unseen.push(reached.at(-1)!);
    }
    expect(unseen, 'every tab stop shows its focus').toEqual([]);
    const wanted = ['button:New table', 'a:authors', 'a:Schema of authors', 'button:Rename authors', 'button:Delete authors', 'a:posts', 'a:Schema of posts', 'button:Rename posts', 'button:Delete posts'];
    expect(reached.filter((name) => wanted.includes(name))).toEqual(wanted);
    expect(reached[0]).toBe('button:New table'); // the first stop after skipping is the page's main action

    // The New table dialog opens from the keyboard, holds the focus, and Escape gives it back.
    await page.getByRole('button', { name: 'New table' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: /table/i });
    await dialog.waitFor();
    expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await focusedName(page)).toBe('button:New table');

    // A screen opened by keyboard starts at the top of its content, from the content or the sidebar.
    const focusInContent = () => page.evaluate(() => document.activeElement?.id === 'content');
    await page.getByRole('link', { name: 'posts', exact: true }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('grid', { name: 'Records of posts' }).waitFor();
    await expect.poll(focusInContent).toBe(true);
    await page.keyboard.press('Tab');
    expect(await focusedName(page)).toBe('a:app · main');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Files' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /^Files/ }).waitFor();
    await expect.poll(focusInContent).toBe(true);
    expectNoConsoleErrors(c);
  });
  test('records grid: a link cell with its label, and the link picker open', async () => {
    expect((await suite.server.request('PUT', '/db/app:main/tables/writers', { columns: [{ name: 'name', type: 'string' }] })).status).toBe(201);
    expect((await suite.server.request('PUT', '/db/app:main/tables/writers/data/w1', { name: 'Ada Lovelace' })).status).toBe(201);
    expect((await suite.server.request('PUT', '/db/app:main/tables/books', { columns: [{ name: 'writer', type: 'link', link: { table: 'writers' } }] })).status).toBe(201);
    expect((await suite.server.request('PUT', '/db/app:main/tables/books/data/b1', { writer: 'w1' })).status).toBe(201);
    const { page } = c;
    await visit(page, '/w/app/b/main/t/books');
    const linkCell = page.getByRole('gridcell', { name: 'w1 Ada Lovelace' });
    await linkCell.waitFor();
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await check(page, 'the records grid with a link column', 'books in app');
    await linkCell.dblclick();
    const combobox = page.getByRole('combobox', { name: 'writer of b1' });
    await combobox.fill('ada');
    await page.getByRole('listbox', { name: 'Records of writers' }).getByRole('option', { name: 'w1 Ada Lovelace' }).waitFor();
    await combobox.press('ArrowDown');
    await check(page, 'the link picker open, an option highlighted');
    await combobox.press('Escape');
    await combobox.press('Escape');
    await combobox.waitFor({ state: 'detached' });
    expectNoConsoleErrors(c);
  });
});

describeInBrowser('console: accessibility of the first-run setup', () => {
  const suite = consoleSuite(() => startFreshStrata(sqliteEngine));

  test('the setup form', async () => {
    const c = await openConsole(suite.browser, suite.server.url);
    await c.page.setViewportSize(VIEWPORT);
    await visit(c.page, '/login');
    await submitSignIn(c.page, suite.first.email, suite.first.password);
    await c.page.getByRole('form', { name: 'Finish setting up Strata' }).waitFor();
    await check(c.page, 'the first-run setup form', 'Finish setup');
    expectNoConsoleErrors(c);
    await c.close();
  });
});
