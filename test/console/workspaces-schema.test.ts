import { expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { sqliteEngine } from '../support/engines.js';
import { startStrata } from '../support/strata-server.js';
import { consoleSuite, describeInBrowser, expectNoConsoleErrors, openConsole, signIn, visit } from '../support/browser.js';

/**
 * The console's workspace, table and schema screens in a real browser, checked against the
 * Metadata API: everything done through the UI must be what the API then answers.
 */
describeInBrowser('console: workspaces, tables and schema', () => {
  const suite = consoleSuite(async () => ({ server: await startStrata(sqliteEngine) }));

  const metaGet = async (path: string, headers?: Record<string, string>) => {
    const res = await suite.server.request('GET', `/api:meta${path}`, undefined, headers);
    expect(res.status, `GET ${path}: ${JSON.stringify(res.body)}`).toBe(200);
    return res.body;
  };
  const columnsOf = async (ws: number, table: number) =>
    Object.fromEntries((await metaGet(`/workspace/${ws}/table/${table}/schema`) as Array<{ name: string; type: string }>).map((c) => [c.name, c]));
  const dialog = (page: Page) => page.getByRole('dialog');
  const rowNames = (page: Page, table: string) => page.getByRole('table', { name: table }).getByRole('rowheader').allTextContents();

  test('create a workspace and a table, edit the schema (types, rename, errors, drop, indexes), delete the table', async () => {
    const c = await openConsole(suite.browser, suite.server.url, { expectedErrors: [/status of 400/] });
    const { page } = c;
    await signIn(page, 'owner@test.local', 'owner-password');
    await page.getByText('No workspaces yet').waitFor();

    await page.getByRole('button', { name: 'New workspace' }).click();
    await dialog(page).getByLabel('Name').fill('shop');
    await dialog(page).getByLabel('Description').fill('The shop\'s data');
    await dialog(page).getByRole('button', { name: 'Create workspace' }).click();
    await page.getByRole('link', { name: 'shop' }).waitFor();
    const ws = (await metaGet('/workspace') as Array<{ id: number; name: string }>).find((w) => w.name === 'shop')!.id;
    expect(ws).toBeGreaterThan(0);
    await c.screenshot('workspaces');

    await page.getByRole('link', { name: 'shop' }).click();
    await page.waitForURL(/\/w\/shop\/b\/main$/);
    await page.getByText('Branch main has no tables yet').waitFor();
    await page.getByRole('button', { name: 'New table' }).click();
    await dialog(page).getByLabel('Table name').fill('products');
    await dialog(page).getByRole('button', { name: 'Create table' }).click();
    await page.getByRole('link', { name: 'products', exact: true }).waitFor();
    const table = (await metaGet(`/workspace/${ws}/table`)).items.find((t: { name: string }) => t.name === 'products').id as number;
    await c.screenshot('tables');

    await page.getByRole('link', { name: 'Schema of products' }).click();
    await page.waitForURL(/\/w\/shop\/b\/main\/t\/products\/schema$/);
    const addColumn = async (name: string, type: string, options: (d: ReturnType<typeof dialog>) => Promise<unknown> = async () => {}) => {
      await page.getByRole('button', { name: 'Add column' }).click();
      await dialog(page).getByLabel('Column name').fill(name);
      await dialog(page).getByLabel('Type', { exact: true }).selectOption(type);
      await options(dialog(page));
      await dialog(page).getByRole('button', { name: 'Add column' }).click();
    };
    await addColumn('title', 'text', (d) => d.getByLabel('Required (a new record needs a value)').check());
    await page.getByRole('rowheader', { name: 'title' }).waitFor();
    await addColumn('stock', 'int', (d) => d.getByLabel('Minimum').fill('0'));
    await page.getByRole('rowheader', { name: 'stock' }).waitFor();
    await addColumn('active', 'bool', (d) => d.getByLabel('Default').selectOption('true'));
    await page.getByRole('rowheader', { name: 'active' }).waitFor();
    await addColumn('status', 'enum', async (d) => {
      await d.getByLabel('Values (one per line)').fill('draft\nlive');
      await d.getByLabel('Default').selectOption('draft');
    });
    await page.getByRole('rowheader', { name: 'status' }).waitFor();
    expect(await rowNames(page, 'Columns of products')).toEqual(['id', 'created_at', 'title', 'stock', 'active', 'status']);

    const columns = await columnsOf(ws, table);
    expect(columns.title).toMatchObject({ type: 'text', required: true });
    expect(columns.stock).toMatchObject({ type: 'int', filters: { min: 0 } });
    expect(columns.active).toMatchObject({ type: 'bool', default: 'true' });
    expect(columns.status).toMatchObject({ type: 'enum', values: ['draft', 'live'], default: 'draft' });
    await c.screenshot('schema');

    // Rename.
    await page.getByRole('button', { name: 'Rename stock' }).click();
    await dialog(page).getByLabel('New name').fill('quantity');
    await dialog(page).getByRole('button', { name: 'Rename' }).click();
    await page.getByRole('rowheader', { name: 'quantity' }).waitFor();
    expect(Object.keys(await columnsOf(ws, table))).toEqual(['id', 'created_at', 'title', 'quantity', 'active', 'status']);

    // An invalid name: the dialog shows the API's own message and stays open.
    const refused = await suite.server.request('POST', `/api:meta/workspace/${ws}/table/${table}/schema/type/text`, { name: 'bad name!' });
    expect(refused.status).toBe(400);
    await addColumn('bad name!', 'text');
    await expect.poll(() => dialog(page).getByRole('alert').textContent()).toBe(`${refused.body.message} (400)`);
    await dialog(page).getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog(page).count()).toBe(0);

    // A type change is refused by PUT …/schema: its message shows in the edit dialog.
    await page.getByRole('button', { name: 'Edit title' }).click();
    await dialog(page).getByLabel('Type', { exact: true }).selectOption('int');
    await dialog(page).getByRole('button', { name: 'Save column' }).click();
    await expect.poll(() => dialog(page).getByRole('alert').textContent()).toMatch(/\(400\)$/);
    await dialog(page).getByRole('button', { name: 'Cancel' }).click();
    expect((await columnsOf(ws, table)).title.type).toBe('text');

    // Options change in place (PUT …/schema).
    await page.getByRole('button', { name: 'Edit title' }).click();
    await dialog(page).getByLabel('Required (a new record needs a value)').uncheck();
    await dialog(page).getByLabel('Maximum length').fill('80');
    await dialog(page).getByRole('button', { name: 'Save column' }).click();
    await expect.poll(() => dialog(page).count()).toBe(0);
    expect((await columnsOf(ws, table)).title).toMatchObject({ type: 'text', required: false, filters: { max: 80 } });

    // Drop, with confirmation.
    await page.getByRole('button', { name: 'Drop active' }).click();
    await expect.poll(() => dialog(page).textContent()).toContain('with its value in every record');
    await dialog(page).getByRole('button', { name: 'Drop column' }).click();
    await expect.poll(() => rowNames(page, 'Columns of products')).toEqual(['id', 'created_at', 'title', 'quantity', 'status']);
    expect((await columnsOf(ws, table)).active).toBeUndefined();

    // Indexes: add a btree on title, then delete it.
    await page.getByRole('button', { name: 'Add index' }).click();
    await dialog(page).getByLabel('Field 1', { exact: true }).selectOption('title');
    await dialog(page).getByLabel('Field 1 order').selectOption('desc');
    await dialog(page).getByRole('button', { name: 'Add index' }).click();
    await page.getByRole('button', { name: 'Delete btree index on title' }).waitFor();
    const indexes = await metaGet(`/workspace/${ws}/table/${table}/index`);
    expect(indexes.map((i: { type: string; fields: unknown }) => [i.type, i.fields])).toEqual([['primary', [{ name: 'id', op: 'asc' }]], ['btree', [{ name: 'title', op: 'desc' }]]]);
    await page.getByRole('button', { name: 'Delete btree index on title' }).click();
    await dialog(page).getByRole('button', { name: 'Delete index' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Delete btree index on title' }).count()).toBe(0);
    expect((await metaGet(`/workspace/${ws}/table/${table}/index`)).map((i: { type: string }) => i.type)).toEqual(['primary']);

    // Delete the table: the dialog names it and what is lost, and wants the name typed.
    await page.getByRole('link', { name: 'Tables on main' }).click();
    await page.getByRole('button', { name: 'Delete products' }).click();
    await expect.poll(() => dialog(page).textContent()).toContain('with all its records and the files stored in them');
    await dialog(page).getByRole('button', { name: 'Delete table' }).click();
    await expect.poll(() => dialog(page).getByRole('alert').textContent()).toBe('Type “products” to confirm.');
    await dialog(page).getByLabel('Type products to confirm').fill('products');
    await dialog(page).getByRole('button', { name: 'Delete table' }).click();
    await page.getByText('Branch main has no tables yet').waitFor();
    expect((await metaGet(`/workspace/${ws}/table`)).items).toEqual([]);

    expectNoConsoleErrors(c);
    await c.close();
  });

  test('the schema editor adds a column of every Metadata API type, with the options the type needs', async () => {
    const ws = (await suite.server.request('POST', '/api:meta/workspace', { name: 'types' })).body.id as number;
    const target = (await suite.server.request('POST', `/api:meta/workspace/${ws}/table`, { name: 'authors' })).body.id as number;
    const table = (await suite.server.request('POST', `/api:meta/workspace/${ws}/table`, { name: 'everything' })).body.id as number;
    // A table made by the data API has text ids: a tablerefuuid column links to it.
    expect((await suite.server.request('PUT', '/db/types:main/tables/people')).status).toBe(201);
    const people = (await metaGet(`/workspace/${ws}/table`)).items.find((t: { name: string }) => t.name === 'people').id;
    const c = await openConsole(suite.browser, suite.server.url);
    const { page } = c;
    await signIn(page, 'owner@test.local', 'owner-password');
    await visit(page, '/w/types/b/main/t/everything/schema');
    const options = await page.getByRole('button', { name: 'Add column' }).click()
      .then(() => dialog(page).getByLabel('Type', { exact: true }).locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)));
    await dialog(page).getByRole('button', { name: 'Cancel' }).click();
    expect(options).toHaveLength(25);

    for (const type of options) {
      await page.getByRole('button', { name: 'Add column' }).click();
      await dialog(page).getByLabel('Column name').fill(`c_${type}`);
      await dialog(page).getByLabel('Type', { exact: true }).selectOption(type);
      if (type === 'enum') await dialog(page).getByLabel('Values (one per line)').fill('a\nb');
      if (type === 'object') await dialog(page).getByLabel(/^Fields/).fill('street text\nnumber int');
      if (type === 'tableref') await dialog(page).getByLabel('Linked table').selectOption('authors');
      if (type === 'tablerefuuid') await dialog(page).getByLabel('Linked table').selectOption('people');
      await dialog(page).getByRole('button', { name: 'Add column' }).click();
      await page.getByRole('rowheader', { name: `c_${type}` }).waitFor();
    }
    const columns = await columnsOf(ws, table);
    for (const type of options) expect(columns[`c_${type}`]?.type, type).toBe(type);
    expect(columns.c_tableref).toMatchObject({ tableref_id: target });
    expect(columns.c_tablerefuuid).toMatchObject({ tableref_id: people });
    expect(columns.c_object).toMatchObject({ children: [expect.objectContaining({ name: 'street', type: 'text' }), expect.objectContaining({ name: 'number', type: 'int' })] });
    expect(columns.c_vector).toMatchObject({ vector: { size: 3 } });
    expectNoConsoleErrors(c);
    await c.close();
  });

  test('the branch switcher creates a branch; each branch lists its own tables', async () => {
    const created = await suite.server.request('POST', '/api:meta/workspace', { name: 'blog' });
    const ws = created.body.id as number;
    expect((await suite.server.request('POST', `/api:meta/workspace/${ws}/table`, { name: 'posts' })).status).toBe(200);

    const c = await openConsole(suite.browser, suite.server.url);
    const { page } = c;
    await signIn(page, 'owner@test.local', 'owner-password');
    await visit(page, '/w/blog/b/main');
    await page.getByRole('link', { name: 'posts', exact: true }).waitFor();
    await page.getByRole('button', { name: 'New branch' }).click();
    await dialog(page).getByLabel('Branch name').fill('dev');
    await dialog(page).getByRole('button', { name: 'Create branch' }).click();
    await page.waitForURL(/\/w\/blog\/b\/dev$/);
    await page.getByRole('link', { name: 'posts', exact: true }).waitFor(); // the branch copies main's schema

    await page.getByRole('button', { name: 'New table' }).click();
    await dialog(page).getByLabel('Table name').fill('drafts');
    await dialog(page).getByRole('button', { name: 'Add a column' }).click();
    await dialog(page).getByLabel('Column 1 name').fill('body');
    await dialog(page).getByLabel('Column 1 type').selectOption('text');
    await dialog(page).getByRole('button', { name: 'Create table' }).click();
    await page.getByRole('link', { name: 'drafts', exact: true }).waitFor();
    const tableLinks = () => page.getByRole('table', { name: /^Tables on branch/ }).getByRole('link', { name: /^(posts|drafts)$/ }).allTextContents();
    expect(await tableLinks()).toEqual(['drafts', 'posts']);
    const onDev = (await metaGet(`/workspace/${ws}/table`, { 'x-data-source': 'dev' })).items;
    expect(onDev.map((t: { name: string }) => t.name)).toEqual(['drafts', 'posts']);
    const drafts = onDev.find((t: { name: string }) => t.name === 'drafts').id;
    expect((await metaGet(`/workspace/${ws}/table/${drafts}/schema`, { 'x-data-source': 'dev' })).map((col: { name: string }) => col.name)).toEqual(['id', 'created_at', 'body']);

    // The schema screen on a branch edits that branch only.
    await page.getByRole('link', { name: 'Schema of posts' }).click();
    await page.waitForURL(/\/w\/blog\/b\/dev\/t\/posts\/schema$/);
    await page.getByRole('button', { name: 'Add column' }).click();
    await dialog(page).getByLabel('Column name').fill('summary');
    await dialog(page).getByRole('button', { name: 'Add column' }).click();
    await page.getByRole('rowheader', { name: 'summary' }).waitFor();
    const posts = (await metaGet(`/workspace/${ws}/table`)).items[0].id;
    expect((await metaGet(`/workspace/${ws}/table/${posts}/schema`, { 'x-data-source': 'dev' })).map((col: { name: string }) => col.name)).toContain('summary');
    expect((await metaGet(`/workspace/${ws}/table/${posts}/schema`)).map((col: { name: string }) => col.name)).not.toContain('summary');

    await page.getByRole('link', { name: 'Tables on dev' }).click();
    await page.getByLabel('Branch', { exact: true }).selectOption('main');
    await page.waitForURL(/\/w\/blog\/b\/main$/);
    await expect.poll(tableLinks).toEqual(['posts']);
    expect((await metaGet(`/workspace/${ws}/table`)).items.map((t: { name: string }) => t.name)).toEqual(['posts']);

    // Deleting the workspace names its tables and record counts, and wants the name typed.
    expect((await suite.server.request('POST', `/api:meta/workspace/${ws}/table/${posts}/content`, {})).status).toBe(200);
    await page.getByRole('link', { name: 'Workspaces' }).click();
    await page.getByRole('button', { name: 'Delete blog' }).click();
    await expect.poll(() => dialog(page).getByRole('listitem').allTextContents()).toEqual(['posts — 1 record']);
    await dialog(page).getByLabel('Type blog to confirm').fill('blog');
    await dialog(page).getByRole('button', { name: 'Delete workspace' }).click();
    await expect.poll(() => page.getByRole('link', { name: 'blog' }).count()).toBe(0);
    expect((await metaGet('/workspace') as Array<{ name: string }>).map((w) => w.name)).not.toContain('blog');

    expectNoConsoleErrors(c);
    await c.close();
  });
  test('the branch switcher deletes the current branch after the name is typed, then shows main; main has no delete', async () => {
    const ws = (await suite.server.request('POST', '/api:meta/workspace', { name: 'notes' })).body.id as number;
    expect((await suite.server.request('POST', `/api:meta/workspace/${ws}/table`, { name: 'pages' })).status).toBe(200);
    expect((await suite.server.request('PUT', '/db/notes:scratch', {})).status).toBe(201);
    expect((await suite.server.request('POST', '/db/notes:scratch/tables/pages/data', {})).status).toBe(201);

    const c = await openConsole(suite.browser, suite.server.url);
    const { page } = c;
    await signIn(page, 'owner@test.local', 'owner-password');
    await visit(page, '/w/notes/b/main');
    await page.getByRole('link', { name: 'pages', exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Delete branch' }).count()).toBe(0);
    await page.getByLabel('Branch', { exact: true }).selectOption('scratch');
    await page.waitForURL(/\/w\/notes\/b\/scratch$/);
    await page.getByRole('button', { name: 'Delete branch' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete branch scratch?' });
    await expect.poll(() => confirm.textContent()).toMatch(/scratch.*tables.*records/);
    await confirm.getByLabel('Type scratch to confirm').fill('scratc');
    await confirm.getByRole('button', { name: 'Delete branch' }).click();
    await expect.poll(() => confirm.getByRole('alert').textContent()).toContain('Type “scratch” to confirm');
    expect((await suite.server.request('GET', '/db/notes:scratch')).status).toBe(200); // nothing deleted yet
    await confirm.getByLabel('Type scratch to confirm').fill('scratch');
    await confirm.getByRole('button', { name: 'Delete branch' }).click();
    await page.waitForURL(/\/w\/notes\/b\/main$/);
    await confirm.waitFor({ state: 'detached' });
    expect((await suite.server.request('GET', '/db/notes:scratch')).status).toBe(404);
    expect((await suite.server.request('GET', '/dbs/notes')).body.branches.map((b: { name: string }) => b.name)).toEqual(['main']);
    await expect.poll(() => page.getByLabel('Branch', { exact: true }).locator('option').allTextContents()).toEqual(['main (live)']);
    expect(await page.getByRole('button', { name: 'Delete branch' }).count()).toBe(0);
    // The API refuses main too, in its own words.
    const refused = await suite.server.request('DELETE', '/db/notes:main');
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/main branch cannot be deleted/);
    expectNoConsoleErrors(c);
    await c.close();
  });
});
