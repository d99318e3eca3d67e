import { describe, expect, inject, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { postgresEngine, sqliteEngine, type EngineUnderTest } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { consoleSuite, describeInBrowser, expectNoConsoleErrors, openConsole, signIn, type ConsolePage, visit } from '../support/browser.js';

/**
 * The records grid in a real browser against a real Strata: every change made in the UI is
 * checked over the API, and every change made over the API is checked in the UI.
 */
const COLUMNS = [
  { name: 'title', type: 'string' }, { name: 'count', type: 'int' }, { name: 'done', type: 'bool' }, { name: 'photo', type: 'file' },
];
const FRUITS = ['apple pie', 'banana bread', 'cherry tart', 'date loaf', 'elder jam', 'fig roll', 'grape juice', 'honey cake', 'ice cream', 'jelly bean', 'kiwi salad', 'lemon curd'];
/** r1…r12: count = 1…12, done on even counts. */
const SEED = FRUITS.map((title, i) => ({ id: `r${i + 1}`, title, count: i + 1, done: (i + 1) % 2 === 0 }));
// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

async function makeTable(server: RunningStrata, table: string, records = SEED.slice(0, 6)): Promise<void> {
  expect((await server.request('PUT', `/db/shop:main/tables/${table}`, { columns: COLUMNS })).status).toBe(201);
  for (const { id, ...values } of records) expect((await server.request('PUT', `/db/shop:main/tables/${table}/data/${id}`, values)).status).toBe(201);
}

const record = async (server: RunningStrata, table: string, id: string) => (await server.request('GET', `/db/shop:main/tables/${table}/data/${id}`));

async function openGrid(browser: Browser, server: RunningStrata, table: string, expectedErrors: RegExp[] = []): Promise<ConsolePage> {
  const c = await openConsole(browser, server.url, { expectedErrors });
  await signIn(c.page, 'owner@test.local', 'owner-password');
  await visit(c.page, `/w/shop/b/main/t/${table}`);
  await c.page.getByRole('grid', { name: `Records of ${table}` }).waitFor();
  // Edits made over the API from here on must reach this page: wait until the stream is open.
  await c.page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
  return c;
}

/** The record ids in the grid, top to bottom. */
const ids = (page: Page) => page.locator('td.id-cell').allTextContents();
const cell = (page: Page, text: string) => page.getByRole('gridcell', { name: text, exact: true });

async function startServer(engine: EngineUnderTest): Promise<RunningStrata> {
  const server = await startStrata(engine);
  expect((await server.request('PUT', '/workspaces/local/dbs/shop', {})).status).toBe(201);
  return server;
}

describeInBrowser('console: records grid', () => {
  const suite = consoleSuite(async () => ({ server: await startServer(sqliteEngine) }));

  test('a table that does not exist is reported in the API\'s words, without a stream', async () => {
    const c = await openConsole(suite.browser, suite.server.url, { expectedErrors: [/status of 404/] });
    await signIn(c.page, 'owner@test.local', 'owner-password');
    await visit(c.page, '/w/shop/b/main/t/nope');
    await expect.poll(() => c.page.getByRole('alert').first().textContent()).toContain('table [nope] not found (404)');
    expect(await c.page.getByRole('status').filter({ hasText: 'Not live' }).count()).toBe(1);
    expect(await c.page.getByRole('grid').count()).toBe(0);
    expectNoConsoleErrors(c);
    await c.close();
  });

  test('an empty table says so and offers to add a record', async () => {
    await makeTable(suite.server, 'empty', []);
    const c = await openConsole(suite.browser, suite.server.url);
    await signIn(c.page, 'owner@test.local', 'owner-password');
    await visit(c.page, '/w/shop/b/main/t/empty');
    await c.page.getByText('No records yet — add one').waitFor();
    expect(await c.page.getByRole('status').filter({ hasText: 'Live' }).count()).toBe(1);
    await c.page.getByRole('button', { name: 'Add record' }).last().click();
    const dialog = c.page.getByRole('dialog', { name: 'Add a record to empty' });
    await dialog.getByLabel('title').fill('first one');
    await dialog.getByRole('button', { name: 'Add record' }).click();
    await cell(c.page, 'first one').waitFor();
    const listed = await suite.server.request('POST', '/db/shop:main/tables/empty/query', {});
    expect(listed.body.records).toEqual([expect.objectContaining({ title: 'first one' })]);
    expect(listed.body.records[0]).not.toHaveProperty('count'); // fields left empty are not sent
    expectNoConsoleErrors(c);
    await c.close();
  });

  test('adds a row through the form, edits cells by mouse and keyboard, shows API validation errors, deletes with confirmation', async () => {
    await makeTable(suite.server, 'crud');
    const c = await openGrid(suite.browser, suite.server, 'crud', [/status of 400/]);
    const { page } = c;
    expect(await ids(page)).toEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
    await c.screenshot('records-grid');

    // Add.
    await page.getByRole('button', { name: 'Add record' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a record to crud' });
    await dialog.getByLabel('Id').fill('new1');
    await dialog.getByLabel('title').fill('added in the UI');
    await dialog.getByLabel('count').fill('7');
    await dialog.getByLabel('done').check();
    await dialog.getByRole('button', { name: 'Add record' }).click();
    await cell(page, 'added in the UI').waitFor();
    expect((await record(suite.server, 'crud', 'new1')).body).toMatchObject({ id: 'new1', title: 'added in the UI', count: 7, done: true, xata: { version: 0 } });

    // Edit by double click; Enter saves with ifVersion.
    await cell(page, 'apple pie').dblclick();
    await page.getByLabel('title of r1').fill('apple crumble');
    await page.getByLabel('title of r1').press('Enter');
    await cell(page, 'apple crumble').waitFor();
    expect((await record(suite.server, 'crud', 'r1')).body).toMatchObject({ title: 'apple crumble', xata: { version: 1 } });

    // Edit by keyboard: focus a cell, arrow right to `count`, Enter opens the editor.
    await cell(page, 'banana bread').click();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await page.getByLabel('count of r2').fill('42');
    await page.getByLabel('count of r2').press('Enter');
    await cell(page, '42').waitFor();
    expect((await record(suite.server, 'crud', 'r2')).body.count).toBe(42);
    // Escape cancels: nothing is sent.
    await cell(page, 'cherry tart').dblclick();
    await page.getByLabel('title of r3').fill('never saved');
    await page.getByLabel('title of r3').press('Escape');
    await cell(page, 'cherry tart').waitFor();
    expect((await record(suite.server, 'crud', 'r3')).body).toMatchObject({ title: 'cherry tart', xata: { version: 0 } });

    // The API refuses 2.5 in an int column: its message stays on the cell, nothing changes.
    await cell(page, '3').dblclick();
    await page.getByLabel('count of r3').fill('2.5');
    await page.getByLabel('count of r3').press('Enter');
    await expect.poll(() => page.getByRole('gridcell').getByRole('alert').textContent()).toMatch(/count.*integer/);
    expect(await page.getByLabel('count of r3').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('count of r3').press('Escape');
    expect((await record(suite.server, 'crud', 'r3')).body.count).toBe(3);

    // Delete: the confirmation names the record.
    await page.getByRole('button', { name: 'Delete record r4' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete record' });
    expect(await confirm.textContent()).toContain('r4');
    await confirm.getByRole('button', { name: 'Delete record' }).click();
    await expect.poll(() => ids(page)).not.toContain('r4');
    expect((await record(suite.server, 'crud', 'r4')).status).toBe(404);

    // Delete several: select two rows.
    await page.getByLabel('Select record r5').check();
    await page.getByLabel('Select record r6').check();
    await page.getByRole('button', { name: 'Delete selected (2)' }).click();
    const many = page.getByRole('dialog', { name: 'Delete 2 records' });
    expect(await many.textContent()).toMatch(/r5.*r6/);
    await many.getByRole('button', { name: 'Delete 2 records' }).click();
    await expect.poll(() => ids(page)).toEqual(['new1', 'r1', 'r2', 'r3']); // ordered by id
    expect((await record(suite.server, 'crud', 'r6')).status).toBe(404);
    expectNoConsoleErrors(c);
    await c.close();
  });

  test('deleting selected rows is all or nothing: one already gone → nothing deleted, the API\'s reason shown', async () => {
    await makeTable(suite.server, 'atomic');
    const c = await openGrid(suite.browser, suite.server, 'atomic', [/status of 400/]);
    const { page } = c;
    for (const id of ['r2', 'r3', 'r5']) await page.getByLabel(`Select record ${id}`).check();
    await page.getByRole('button', { name: 'Delete selected (3)' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete 3 records' });
    await confirm.waitFor();
    // While the user reads the confirmation, r3 is deleted elsewhere.
    expect((await suite.server.request('DELETE', '/db/shop:main/tables/atomic/data/r3')).status).toBe(200);
    await confirm.getByRole('button', { name: 'Delete 3 records' }).click();
    await expect.poll(() => confirm.getByRole('alert').textContent()).toBe('Nothing was deleted: operation 2: table [atomic]: no rows deleted (400)');
    expect((await record(suite.server, 'atomic', 'r2')).status).toBe(200);
    expect((await record(suite.server, 'atomic', 'r5')).status).toBe(200);
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => ids(page)).toEqual(['r1', 'r2', 'r4', 'r5', 'r6']); // r3's delete arrived live

    // The rows still selected go in one request.
    await page.getByRole('button', { name: 'Delete selected (2)' }).click();
    await page.getByRole('dialog', { name: 'Delete 2 records' }).getByRole('button', { name: 'Delete 2 records' }).click();
    await expect.poll(() => ids(page)).toEqual(['r1', 'r4', 'r6']);
    expect((await suite.server.request('POST', '/db/shop:main/tables/atomic/query', {})).body.records.map((r: { id: string }) => r.id)).toEqual(['r1', 'r4', 'r6']);
    expectNoConsoleErrors(c);
    await c.close();
  });

  test('each column type gets its own editor and the value the API expects', async () => {
    const columns = [
      { name: 'at', type: 'datetime' }, { name: 'meta', type: 'json' }, { name: 'tags', type: 'multiple' },
      { name: 'mail', type: 'email' }, { name: 'notes', type: 'text' }, { name: 'price', type: 'float' }, { name: 'ok', type: 'bool' },
    ];
    expect((await suite.server.request('PUT', '/db/shop:main/tables/kinds', { columns })).status).toBe(201);
    expect((await suite.server.request('PUT', '/db/shop:main/tables/kinds/data/k1', { notes: 'x' })).status).toBe(201);
    const c = await openGrid(suite.browser, suite.server, 'kinds');
    const { page } = c;
    const row = page.getByRole('row', { name: /k1/ });
    const edit = async (column: string, fill: (editor: ReturnType<Page['getByLabel']>) => Promise<void>) => {
      const col = columns.findIndex((k) => k.name === column) + 2; // after the select and id columns
      await row.locator(`[data-col="${col}"]`).dblclick();
      const editor = page.getByLabel(`${column} of k1`);
      await fill(editor);
      await editor.press('Enter');
      await editor.waitFor({ state: 'detached' });
    };
    await edit('at', (e) => e.fill('2026-03-04T05:06:07'));
    await edit('meta', (e) => e.fill('{"plan": "pro", "seats": [1, 2]}'));
    await edit('tags', (e) => e.fill('red, green ,blue'));
    await edit('mail', (e) => e.fill('ana@example.com'));
    await edit('notes', (e) => e.fill('a longer text'));
    await edit('price', (e) => e.fill('9.75'));
    await edit('ok', (e) => e.check());
    const at = await page.evaluate(() => new Date('2026-03-04T05:06:07').toISOString()); // the browser's local time
    await expect.poll(async () => (await record(suite.server, 'kinds', 'k1')).body).toMatchObject({
      at, meta: '{"plan":"pro","seats":[1,2]}', tags: ['red', 'green', 'blue'], mail: 'ana@example.com', notes: 'a longer text', price: 9.75, ok: true, xata: { version: 7 },
    });
    // Bad JSON never leaves the browser: the cell says why.
    await row.locator('[data-col="3"]').dblclick();
    await page.getByLabel('meta of k1').fill('{oops');
    await page.getByLabel('meta of k1').press('Enter');
    await expect.poll(() => row.getByRole('alert').textContent()).toBe('Enter valid JSON.');
    await page.getByLabel('meta of k1').press('Escape');
    expect((await record(suite.server, 'kinds', 'k1')).body.xata.version).toBe(7);
    expectNoConsoleErrors(c);
    await c.close();
  });

  test('filters with the builder (operators by column type, AND/OR), searches, sorts and pages', async () => {
    await makeTable(suite.server, 'browse', SEED);
    const c = await openGrid(suite.browser, suite.server, 'browse');
    const { page } = c;
    // Without a sort, records come in id order.
    const idOrder = (counts: number[]) => counts.map((n) => `r${n}`).sort();
    const all = idOrder(SEED.map((r) => r.count));
    await page.getByLabel('Rows per page').selectOption('10');
    await expect.poll(() => ids(page)).toEqual(all.slice(0, 10));
    await page.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(() => ids(page)).toEqual(all.slice(10));
    expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Previous page' }).click();
    await expect.poll(() => ids(page)).toEqual(all.slice(0, 10));

    // count > 5
    await page.getByRole('button', { name: 'Filters' }).click();
    const filters = page.getByRole('form', { name: 'Filters' });
    await filters.getByRole('button', { name: 'Add condition' }).click();
    const first = filters.getByRole('group', { name: 'Condition 1' });
    await first.getByLabel('Column').selectOption('count');
    expect(await first.getByLabel('Operator').locator('option').allTextContents()).toEqual(['is', 'is not', '>', '≥', '<', '≤', 'is set', 'is not set']);
    await first.getByLabel('Operator').selectOption({ label: '>' });
    await first.getByLabel('Value').fill('5');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => ids(page)).toEqual(idOrder([6, 7, 8, 9, 10, 11, 12]));
    // … AND done is true: the bool column offers no text or range operators.
    await filters.getByRole('button', { name: 'Add condition' }).click();
    const second = filters.getByRole('group', { name: 'Condition 2' });
    await second.getByLabel('Column').selectOption('done');
    expect(await second.getByLabel('Operator').locator('option').allTextContents()).toEqual(['is', 'is not', 'is set', 'is not set']);
    await second.getByLabel('Value').selectOption('true');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => ids(page)).toEqual(idOrder([6, 8, 10, 12]));
    await c.screenshot('records-filter');
    // … OR: count > 5 or done.
    await filters.getByLabel('Match').selectOption('$any');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => ids(page)).toEqual(idOrder([2, 4, 6, 7, 8, 9, 10, 11, 12]));
    // A text operator on the title.
    await filters.getByRole('button', { name: 'Remove condition 2' }).click();
    await first.getByLabel('Column').selectOption('title');
    await first.getByLabel('Operator').selectOption({ label: 'starts with' });
    await first.getByLabel('Value').fill('h');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => ids(page)).toEqual(['r8']);
    await filters.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => ids(page)).toHaveLength(10);

    // Full-text search, typo-tolerant; clearing it brings every record back.
    await page.getByLabel('Search records').fill('chery');
    await expect.poll(() => ids(page)).toEqual(['r3']);
    await page.getByLabel('Search records').fill('');
    await expect.poll(() => ids(page)).toHaveLength(10);

    // Sort by a header: ascending, then descending.
    // By keyboard: from a cell up to its header, Enter sorts.
    const header = page.getByRole('columnheader', { name: /^title/ });
    await cell(page, 'apple pie').click();
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await expect.poll(() => header.getAttribute('aria-sort')).toBe('ascending');
    await expect.poll(() => page.locator('td.type-string').allTextContents()).toEqual([...FRUITS].sort().slice(0, 10));
    // Space on a row's first cell selects the row.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Home');
    await page.keyboard.press(' ');
    expect(await page.getByLabel('Select record r1', { exact: true }).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Delete selected (1)' }).waitFor();
    await page.getByRole('columnheader', { name: /^count/ }).getByRole('button').click();
    await page.getByRole('columnheader', { name: /^count/ }).getByRole('button').click();
    await expect.poll(() => page.getByRole('columnheader', { name: /^count/ }).getAttribute('aria-sort')).toBe('descending');
    expect(await header.getAttribute('aria-sort')).toBe('none');
    await expect.poll(() => ids(page)).toEqual(['r12', 'r11', 'r10', 'r9', 'r8', 'r7', 'r6', 'r5', 'r4', 'r3']);
    expectNoConsoleErrors(c);
    await c.close();
  });

  test('a conflicting edit is shown, never silently overwritten; reload or overwrite are the user\'s choice', async () => {
    await makeTable(suite.server, 'conflict');
    const c = await openGrid(suite.browser, suite.server, 'conflict', [/status of 422/]);
    const { page } = c;
    // The user starts editing; meanwhile someone else changes the same record.
    await cell(page, 'apple pie').dblclick();
    const editor = page.getByLabel('title of r1');
    await editor.waitFor();
    expect((await suite.server.request('PATCH', '/db/shop:main/tables/conflict/data/r1', { title: 'changed elsewhere' })).status).toBe(200);
    await editor.fill('my edit');
    await editor.press('Enter');
    const notice = page.getByRole('alert').filter({ hasText: 'changed by someone else' });
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(/now changed elsewhere.*your value: my edit/);
    expect((await record(suite.server, 'conflict', 'r1')).body).toMatchObject({ title: 'changed elsewhere', xata: { version: 1 } });
    await c.screenshot('records-conflict');
    await notice.getByRole('button', { name: 'Reload record' }).click();
    await notice.waitFor({ state: 'detached' });
    await cell(page, 'changed elsewhere').waitFor();

    // Again, and this time the user overwrites, knowingly.
    await cell(page, 'changed elsewhere').dblclick();
    await editor.waitFor();
    await suite.server.request('PATCH', '/db/shop:main/tables/conflict/data/r1', { title: 'changed again' });
    await editor.fill('mine after all');
    await editor.press('Enter');
    await notice.getByRole('button', { name: 'Overwrite with my value' }).click();
    await notice.waitFor({ state: 'detached' });
    await cell(page, 'mine after all').waitFor();
    expect((await record(suite.server, 'conflict', 'r1')).body).toMatchObject({ title: 'mine after all', xata: { version: 3 } });
    expectNoConsoleErrors(c);
    await c.close();
  });

  test('uploads an image into a file cell, previews it, and removes it', async () => {
    await makeTable(suite.server, 'files');
    const c = await openGrid(suite.browser, suite.server, 'files');
    const { page } = c;
    const before = (await record(suite.server, 'files', 'r1')).body.xata.version as number;
    // A name that needs RFC 5987 (and a quote the header's ASCII fallback cannot carry).
    await page.getByLabel('Upload a file to photo of r1').setInputFiles({ name: 'café "dot".png', mimeType: 'image/png', buffer: PNG });
    const preview = page.getByRole('img', { name: 'Preview of café dot.png' });
    await preview.waitFor();
    await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
    const uploaded = (await record(suite.server, 'files', 'r1')).body;
    expect(uploaded.photo).toMatchObject({ name: 'café dot.png', mediaType: 'image/png', size: PNG.length });
    // Content and name in one write: the record moved on by exactly one version.
    expect(uploaded.xata.version).toBe(before + 1);
    const content = await fetch(`${suite.server.url}/db/shop:main/tables/files/data/r1/column/photo/file`, { headers: { authorization: `Bearer ${suite.server.token}` } });
    expect(Buffer.from(await content.arrayBuffer())).toEqual(PNG);

    await page.getByRole('button', { name: 'Remove café dot.png from photo of r1' }).click();
    const confirm = page.getByRole('dialog', { name: 'Remove file' });
    expect(await confirm.textContent()).toMatch(/café dot\.png.*r1/);
    await confirm.getByRole('button', { name: 'Remove file' }).click();
    await preview.waitFor({ state: 'detached' });
    expect((await record(suite.server, 'files', 'r1')).body.photo ?? null).toBeNull();
    expectNoConsoleErrors(c);
    await c.close();
  });

  test('a file[] cell adds items next to each other and removes one', async () => {
    await makeTable(suite.server, 'gallery', SEED.slice(0, 1));
    expect((await suite.server.request('POST', '/db/shop:main/tables/gallery/columns', { name: 'shots', type: 'file[]' })).status).toBe(200);
    const c = await openGrid(suite.browser, suite.server, 'gallery');
    const { page } = c;
    const upload = page.getByLabel('Upload a file to shots of r1');
    const version = async () => (await record(suite.server, 'gallery', 'r1')).body.xata.version as number;
    const v0 = await version();
    await upload.setInputFiles({ name: 'one.png', mimeType: 'image/png', buffer: PNG });
    await page.getByRole('img', { name: 'Preview of one.png' }).waitFor();
    expect(await version()).toBe(v0 + 1);
    await upload.setInputFiles({ name: 'two.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    await page.getByRole('link', { name: 'two.txt' }).waitFor();
    expect(await version()).toBe(v0 + 2);
    const shots = async () => ((await record(suite.server, 'gallery', 'r1')).body.shots as Array<{ name: string; mediaType: string }>).map((f) => `${f.name} ${f.mediaType}`);
    expect(await shots()).toEqual(['one.png image/png', 'two.txt text/plain']);
    await page.getByRole('button', { name: 'Remove one.png from shots of r1' }).click();
    await page.getByRole('dialog', { name: 'Remove file' }).getByRole('button', { name: 'Remove file' }).click();
    await page.getByRole('img', { name: 'Preview of one.png' }).waitFor({ state: 'detached' });
    expect(await shots()).toEqual(['two.txt text/plain']);
    expectNoConsoleErrors(c);
    await c.close();
  });
});

describeInBrowser('console: records grid link cells', () => {
  const suite = consoleSuite(async () => ({ server: await startServer(sqliteEngine) }));

  test('a link cell shows the linked record\'s label; the picker searches the linked table and picks with the keyboard; an id typed still saves', async () => {
    expect((await suite.server.request('PUT', '/db/shop:main/tables/authors', { columns: [{ name: 'born', type: 'int' }, { name: 'name', type: 'string' }] })).status).toBe(201);
    for (const [id, name] of [['a1', 'Ada Lovelace'], ['a2', 'Grace Hopper'], ['a3', 'Alan Turing']]) {
      expect((await suite.server.request('PUT', `/db/shop:main/tables/authors/data/${id}`, { name })).status).toBe(201);
    }
    const columns = [{ name: 'title', type: 'string' }, { name: 'author', type: 'link', link: { table: 'authors' } }];
    expect((await suite.server.request('PUT', '/db/shop:main/tables/books', { columns })).status).toBe(201);
    expect((await suite.server.request('PUT', '/db/shop:main/tables/books/data/b1', { title: 'Notes', author: 'a1' })).status).toBe(201);
    const authorOf = async () => (await record(suite.server, 'books', 'b1')).body.author?.id;

    const c = await openGrid(suite.browser, suite.server, 'books');
    const { page } = c;
    const authorCell = page.getByRole('row', { name: /b1/ }).locator('[data-col="3"]');
    await expect.poll(() => authorCell.textContent()).toBe('a1 Ada Lovelace'); // the id, and the first text column

    // Search by label; Down highlights the one match, Enter picks and saves it.
    await authorCell.dblclick();
    const combobox = page.getByRole('combobox', { name: 'author of b1' });
    const listbox = page.getByRole('listbox', { name: 'Records of authors' });
    await combobox.fill('hopper');
    await expect.poll(() => listbox.getByRole('option').allTextContents()).toEqual(['a2 Grace Hopper']);
    expect(await combobox.getAttribute('aria-expanded')).toBe('true');
    await combobox.press('ArrowDown');
    const option = listbox.getByRole('option', { name: 'a2 Grace Hopper' });
    expect(await option.getAttribute('aria-selected')).toBe('true');
    expect(await combobox.getAttribute('aria-activedescendant')).toBe(await option.getAttribute('id'));
    await c.screenshot('records-link-picker');
    await combobox.press('Enter');
    await combobox.waitFor({ state: 'detached' });
    await expect.poll(authorOf).toBe('a2');
    await expect.poll(() => authorCell.textContent()).toBe('a2 Grace Hopper');

    // Escape closes the list first, then cancels the edit; nothing is saved.
    await authorCell.dblclick();
    await combobox.fill('al');
    await expect.poll(() => listbox.getByRole('option').allTextContents()).toEqual(['a3 Alan Turing']);
    await combobox.press('Escape');
    await expect.poll(() => combobox.getAttribute('aria-expanded')).toBe('false');
    expect(await listbox.isHidden()).toBe(true);
    await combobox.press('Escape');
    await combobox.waitFor({ state: 'detached' });
    expect(await authorOf()).toBe('a2');

    // Up from the top wraps to the last match; an empty search lists the first records.
    await authorCell.dblclick();
    await combobox.fill('');
    await expect.poll(() => listbox.getByRole('option').count()).toBe(3);
    await combobox.press('ArrowUp');
    expect(await listbox.getByRole('option', { selected: true }).textContent()).toBe('a3 Alan Turing');
    await combobox.press('Enter');
    await combobox.waitFor({ state: 'detached' });
    await expect.poll(authorOf).toBe('a3');

    // An id typed and saved without picking still works; a search with no match says so.
    await authorCell.dblclick();
    await combobox.fill('nobody');
    await page.getByRole('status').filter({ hasText: 'No record of authors matches “nobody”.' }).waitFor();
    await combobox.fill('a1');
    await combobox.press('Enter');
    await combobox.waitFor({ state: 'detached' });
    await expect.poll(authorOf).toBe('a1');
    await expect.poll(() => authorCell.textContent()).toBe('a1 Ada Lovelace');
    expectNoConsoleErrors(c);
    await c.close();
  });
});

/** Live updates: inserts, updates and deletes made elsewhere reach the open grid, on both engines (their change delivery differs). */
for (const engine of [sqliteEngine, postgresEngine]) {
  const run = engine.name === 'sqlite' || inject('postgresAvailable');
  describeInBrowser(`console: records grid live updates [${engine.name}]`, () => {
    const suite = consoleSuite(async () => ({ server: await startServer(engine) }), run);

    describe.skipIf(!run)('with a change stream', () => {
      test('changes made over the API appear without reloading the page', async () => {
        await makeTable(suite.server, 'live', SEED.slice(0, 3));
        const c = await openGrid(suite.browser, suite.server, 'live');
        const { page } = c;
        await page.evaluate(() => { (window as unknown as { sameDocument: boolean }).sameDocument = true; });
        expect((await suite.server.request('PUT', '/db/shop:main/tables/live/data/x1', { title: 'inserted elsewhere', count: 50 })).status).toBe(201);
        await cell(page, 'inserted elsewhere').waitFor();
        expect((await suite.server.request('PATCH', '/db/shop:main/tables/live/data/r2', { title: 'updated elsewhere' })).status).toBe(200);
        await cell(page, 'updated elsewhere').waitFor();
        expect((await suite.server.request('DELETE', '/db/shop:main/tables/live/data/r1')).status).toBe(200);
        await expect.poll(() => ids(page)).toEqual(['r2', 'r3', 'x1']);
        expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
        expectNoConsoleErrors(c);
        await c.close();
      });
    });
  });
}
