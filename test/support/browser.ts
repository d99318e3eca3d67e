import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject } from 'vitest';
import { ROOT } from './processes.js';
import type { RunningStrata } from './strata-server.js';

/**
 * The console's end-to-end tests drive Debian's chromium with playwright-core (Playwright's own
 * browser download does not work here). global-setup.ts finds the browser once: without it
 * the suites are skipped and said to be; with CI=true a missing browser fails the run.
 */
export const CHROMIUM_FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  // This machine's network is closed: background connections would be refused, many at a time.
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** A suite that needs the browser: skipped (and reported as such) when there is none. */
export function describeInBrowser(title: string, suite: () => void): void {
  describe.skipIf(!inject('chromiumPath'))(`[chromium] ${title}`, suite);
}

/**
 * One console suite's server and browser: `start` runs before the suite's tests (with
 * whatever else it returns, e.g. a first-start owner), the browser launches once, and both
 * close after the tests. Read them inside tests: `suite.server`, `suite.browser`. `when`
 * false (an engine that is not there) starts nothing.
 */
export function consoleSuite<T extends { server: RunningStrata }>(start: () => Promise<T>, when = true): T & { browser: Browser } {
  const suite = {} as T & { browser: Browser };
  beforeAll(async () => {
    if (!when) return;
    Object.assign(suite, await start());
    suite.browser = await launchBrowser();
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.server?.close();
  });
  return suite;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: inject('chromiumPath') as string, headless: true, args: CHROMIUM_FLAGS });
}

/**
 * Where screenshots go: docs/console/ when refreshing the docs (`npm run screenshots`),
 * otherwise test-results/console/ (ignored by git), so a test run leaves the tree clean.
 */
export const SCREENSHOT_DIR = path.join(ROOT, process.env.STRATA_SCREENSHOTS === 'docs' ? 'docs/console' : 'test-results/console');

export interface ConsolePage {
  page: Page;
  context: BrowserContext;
  /** Console messages at level error and uncaught page errors seen so far (a clean console has none). */
  errors: string[];
  /** A full-page screenshot named `name`.png in SCREENSHOT_DIR. */
  screenshot(name: string): Promise<void>;
  close(): Promise<void>;
}

/** A fresh browser context (own cookies) on the console of the server at `baseURL`, laptop-sized. */
export async function openConsole(browser: Browser, baseURL: string, options: { expectedErrors?: RegExp[] } = {}): Promise<ConsolePage> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1366, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  // Failed requests the test causes on purpose (a 401 on a wrong password) log an error line
  // in Chromium; a test names those it expects, anything else is a defect.
  const expected = options.expectedErrors ?? [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !expected.some((re) => re.test(message.text()))) errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(`${error.name}: ${error.message}`));
  return {
    page, context, errors,
    async screenshot(name) {
      fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
    },
    async close() { await context.close(); },
  };
}

/**
 * How long the console may take to load and finish its session check: generous, because on a
 * busy machine a cold page load alone can take seconds; actions after it keep the short default.
 */
const CONSOLE_READY_MS = 25_000;

/** Opens a console path and waits until the console says its session check is done. */
export async function visit(page: Page, path: string): Promise<void> {
  await page.goto(path, { timeout: CONSOLE_READY_MS });
  await page.locator('html[data-session]:not([data-session="checking"])').waitFor({ state: 'attached', timeout: CONSOLE_READY_MS });
}

/**
 * Fills and sends the sign-in form once the form says it takes input (`data-ready`, set by the
 * console), waiting for that as long as a cold load may take rather than the action default.
 */
export async function submitSignIn(page: Page, email: string, password: string): Promise<void> {
  const form = page.locator('form[aria-labelledby="login-title"][data-ready]');
  await form.waitFor({ timeout: CONSOLE_READY_MS });
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Password').fill(password);
  await form.getByRole('button', { name: 'Sign in' }).click();
}

/** Signs in through the login form and waits for the signed-in frame. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await visit(page, '/login');
  await submitSignIn(page, email, password);
  await page.locator('html[data-session="signed-in"]').waitFor({ state: 'attached', timeout: CONSOLE_READY_MS });
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

/** Every console error a test saw, as one assertion at its end. */
export function expectNoConsoleErrors(console: ConsolePage): void {
  expect(console.errors).toEqual([]);
}
