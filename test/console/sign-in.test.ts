import { expect, test } from 'vitest';
import { sqliteEngine } from '../support/engines.js';
import { startStrata } from '../support/strata-server.js';
import { consoleSuite, describeInBrowser, expectNoConsoleErrors, openConsole, signIn, submitSignIn, visit } from '../support/browser.js';

describeInBrowser('console: sign in and out', () => {
  const suite = consoleSuite(async () => ({ server: await startStrata(sqliteEngine) }));

  test('the console page is served at / with a strict content security policy', async () => {
    const response = await fetch(suite.server.url + '/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(await response.text()).toContain('<div id="root">');
    // A deep link is the same page (the console routes in the browser).
    expect((await fetch(suite.server.url + '/w/app/b/main/t/posts')).status).toBe(200);
  });

  test('a wrong password is refused with the API\'s message; the right one signs in; sign out returns to the form', async () => {
    const console = await openConsole(suite.browser, suite.server.url, { expectedErrors: [/401/] });
    const { page } = console;
    await visit(page, '/tokens');
    await page.waitForURL(/\/login\?next=%2Ftokens$/);
    await submitSignIn(page, 'owner@test.local', 'wrong-password');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('invalid email or password');
    await console.screenshot('sign-in');

    await submitSignIn(page, 'owner@test.local', 'owner-password');
    await page.waitForURL(/\/tokens$/); // back where the user wanted to go
    await expect.poll(() => page.getByRole('navigation', { name: 'Main' }).textContent()).toContain('owner@test.local');
    // The session is an httpOnly cookie scripts cannot read; the CSRF token is readable.
    const cookies = await console.context.cookies();
    expect(cookies.find((c) => c.name === 'strata_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(await page.evaluate(() => document.cookie)).not.toContain('strata_session');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await visit(page, '/');
    await page.waitForURL(/\/login/); // the session is gone on the server too
    expectNoConsoleErrors(console);
    await console.close();
  });

  test('signing in again after the session ends keeps working (no stale state)', async () => {
    const console = await openConsole(suite.browser, suite.server.url);
    await signIn(console.page, 'owner@test.local', 'owner-password');
    await expect.poll(() => console.page.getByRole('heading', { level: 1 }).count()).toBeGreaterThan(0);
    expectNoConsoleErrors(console);
    await console.close();
  });
});
