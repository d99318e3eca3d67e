import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, expect, test } from 'vitest';
import { sqliteEngine } from '../support/engines.js';
import { startStrata } from '../support/strata-server.js';
import { consoleSuite, describeInBrowser, expectNoConsoleErrors, openConsole, signIn, visit } from '../support/browser.js';

const run = promisify(execFile);

/** HTTP status of `curl` with this bearer token (the real binary, as a user would try it). */
async function curlStatus(url: string, token: string): Promise<number> {
  const { stdout } = await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-H', `Authorization: Bearer ${token}`, url], { timeout: 15_000 });
  return Number(stdout);
}

describeInBrowser('console: access tokens', () => {
  const suite = consoleSuite(async () => ({ server: await startStrata(sqliteEngine) }));
  beforeAll(async () => {
    expect((await suite.server.request('PUT', '/workspaces/local/dbs/app', { region: 'local' })).status).toBe(201);
    expect((await suite.server.request('PUT', '/db/app:main/tables/posts', { columns: [{ name: 'title', type: 'string' }] })).status).toBe(201);
  });

  test('create a content-read token, see its secret once, use it with curl, revoke it', async () => {
    const c = await openConsole(suite.browser, suite.server.url);
    const { page } = c;
    await signIn(page, 'owner@test.local', 'owner-password');
    await page.getByRole('link', { name: 'Access tokens' }).click();
    await page.getByRole('heading', { name: 'Access tokens' }).waitFor();
    // The test server's own token is listed, never with its secret.
    await expect.poll(() => page.getByRole('table', { name: 'Access tokens' }).textContent()).toContain('test');
    expect(await page.content()).not.toContain(suite.server.token);

    await page.getByRole('button', { name: 'New token' }).click();
    const dialog = page.getByRole('dialog', { name: 'New access token' });
    await dialog.getByLabel('Name').fill('reader');
    await dialog.getByRole('button', { name: 'Clear' }).click();
    await dialog.getByLabel('Content: Read').check();
    await dialog.getByLabel('Expires after').selectOption('30d');
    await dialog.getByRole('button', { name: 'Create token' }).click();

    const shown = page.getByRole('dialog', { name: 'Token “reader” created' });
    await shown.waitFor();
    expect(await shown.textContent()).toContain('will not be shown again');
    const secret = (await shown.getByLabel('Token secret').textContent())!.trim();
    expect(secret).toMatch(/^xau_/);
    await c.screenshot('token-created');
    await shown.getByRole('button', { name: 'Done' }).click();
    await shown.waitFor({ state: 'detached' });

    const table = page.getByRole('table', { name: 'Access tokens' });
    const row = table.getByRole('row').filter({ hasText: 'reader' });
    await expect.poll(() => row.textContent()).toContain('content:r');
    expect(await row.textContent()).toContain('Active');
    expect(await page.content()).not.toContain(secret); // once only: gone with the dialog
    await c.screenshot('tokens');

    // Content read lets it read records; the token cannot read the schema (database scope).
    const { stdout } = await run('curl', ['-s', '-X', 'POST', '-H', `Authorization: Bearer ${secret}`, '-H', 'content-type: application/json', '-d', '{}', `${suite.server.url}/db/app:main/tables/posts/query`]);
    expect(JSON.parse(stdout)).toMatchObject({ records: [] });
    expect(await curlStatus(`${suite.server.url}/api:meta/auth/me`, secret)).toBe(200);
    expect(await curlStatus(`${suite.server.url}/db/app:main/tables/posts/schema`, secret)).toBe(403);

    await row.getByRole('button', { name: 'Revoke reader' }).click();
    const confirm = page.getByRole('dialog', { name: 'Revoke token?' });
    expect(await confirm.textContent()).toContain('reader');
    await confirm.getByRole('button', { name: 'Revoke token' }).click();
    await expect.poll(() => row.textContent()).toContain('Revoked');
    expect(await curlStatus(`${suite.server.url}/api:meta/auth/me`, secret)).toBe(401);
    expectNoConsoleErrors(c);
    await c.close();
  });

  test('creating without a name or without scopes is refused in the dialog, nothing is created', async () => {
    const c = await openConsole(suite.browser, suite.server.url);
    const { page } = c;
    await signIn(page, 'owner@test.local', 'owner-password');
    await visit(page, '/tokens');
    await page.getByRole('button', { name: 'New token' }).click();
    const dialog = page.getByRole('dialog', { name: 'New access token' });
    await dialog.getByLabel('Name').fill('nothing');
    await dialog.getByRole('button', { name: 'Clear' }).click();
    await dialog.getByRole('button', { name: 'Create token' }).click();
    await expect.poll(() => dialog.getByRole('alert').textContent()).toContain('Choose at least one scope');
    await dialog.getByRole('button', { name: 'Read-only' }).click();
    expect(await dialog.getByLabel('Files: Read').isChecked()).toBe(true);
    expect(await dialog.getByLabel('Files: Delete').isChecked()).toBe(false);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    const names = (await suite.server.request('GET', '/api:meta/token')).body.map((t: { name: string }) => t.name);
    expect(names).not.toContain('nothing');
    expectNoConsoleErrors(c);
    await c.close();
  });
});
