import { expect, test } from 'vitest';
import { sqliteEngine } from '../support/engines.js';
import { startFreshStrata } from '../support/fresh-strata.js';
import { consoleSuite, describeInBrowser, expectNoConsoleErrors, openConsole, signIn, submitSignIn, visit } from '../support/browser.js';

describeInBrowser('console: first-run setup', () => {
  const suite = consoleSuite(() => startFreshStrata(sqliteEngine));

  test('the generated owner signs in, must finish setup, lands on the workspaces screen, and signs in again with the new password', async () => {
    const c = await openConsole(suite.browser, suite.server.url);
    const { page } = c;
    await visit(page, '/');
    await page.waitForURL(/\/login/);
    await submitSignIn(page, suite.first.email, suite.first.password);

    // Setup comes before anything else: no app frame, whatever the URL.
    const form = page.getByRole('form', { name: 'Finish setting up Strata' });
    await form.waitFor();
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    expect(await form.getByLabel('Email').inputValue()).toBe('owner@strata.local');
    await form.getByLabel('Your name').fill('Ada Lovelace');
    await form.getByLabel('Email').fill('ada@example.com');
    await form.getByLabel('New password', { exact: true }).fill('analytical-engine');
    await form.getByLabel('Confirm new password').fill('analytical-engin');
    await c.screenshot('setup');
    await form.getByRole('button', { name: 'Finish setup' }).click();
    await expect.poll(() => form.getByRole('alert').textContent()).toContain('The two passwords differ');
    await form.getByLabel('Confirm new password').fill('analytical-engine');
    await form.getByRole('button', { name: 'Finish setup' }).click();

    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    await expect.poll(() => nav.textContent()).toContain('ada@example.com');
    expect(await page.getByRole('link', { name: 'Workspaces' }).getAttribute('aria-current')).toBe('page');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await signIn(page, 'ada@example.com', 'analytical-engine');
    await expect.poll(() => page.getByRole('navigation', { name: 'Main' }).textContent()).toContain('ada@example.com');
    expect(await page.getByRole('form', { name: 'Finish setting up Strata' }).count()).toBe(0);
    expectNoConsoleErrors(c);
    await c.close();
  });

  test('the old password no longer works, and the API says so', async () => {
    const c = await openConsole(suite.browser, suite.server.url, { expectedErrors: [/401/] });
    const { page } = c;
    await visit(page, '/login');
    await submitSignIn(page, suite.first.email, suite.first.password);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('invalid email or password');
    expectNoConsoleErrors(c);
    await c.close();
  });
});
