import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { ROOT } from './processes.js';

/**
 * The WCAG 2.0 and 2.1 levels A and AA rules, as axe-core tags them, and its best practices
 * (one main landmark, headings in order, content inside landmarks…).
 */
const RULE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
const AXE = path.join(ROOT, 'node_modules/axe-core/axe.min.js');
let axeSource: string | undefined;

interface AxeViolation { id: string; impact: string | null; help: string; helpUrl: string; nodes: Array<{ target: unknown[]; failureSummary?: string }> }

/**
 * Runs axe-core in the page as it is now (dialogs open, editors open…) and asserts it finds
 * no WCAG 2.1 AA violation. A failure lists each rule, what it asks and the elements that
 * break it, so the message says what to fix.
 */
export async function expectNoAxeViolations(page: Page, screen: string): Promise<void> {
  // The console's CSP forbids inline scripts (addScriptTag), so the source is evaluated the
  // way Playwright evaluates everything, outside the page's policy.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource ??= fs.readFileSync(AXE, 'utf8'));
  const violations = await page.evaluate(async (tags) => {
    const result = await (window as unknown as { axe: { run(context: Document, options: unknown): Promise<{ violations: AxeViolation[]; incomplete: AxeViolation[] }> } })
      .axe.run(document, { runOnly: { type: 'tag', values: tags } });
    // What axe could not decide is a failure too (an aria-label where the role forbids one…),
    // except colour contrast over layered backgrounds (an open dialog, an SVG chart).
    const undecided = result.incomplete.filter((v) => v.id !== 'color-contrast');
    return [...result.violations, ...undecided].map((v) => ({ id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  }, RULE_TAGS);
  const report = violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `  - ${JSON.stringify(n.target)}: ${(n.failureSummary ?? '').replace(/\s+/g, ' ')}`).join('\n')}`);
  expect(violations.length, `axe-core found accessibility violations on ${screen}:\n${report.join('\n')}`).toBe(0);
}

/**
 * Asserts the page does not scroll sideways at its current viewport. Content inside an element
 * designed to scroll (overflow auto or scroll, like the records grid's container) does not
 * widen the page, so it does not count; a failure names the elements that stick out.
 */
export async function expectNoHorizontalOverflow(page: Page, screen: string): Promise<void> {
  const found = await page.evaluate(() => {
    const width = window.innerWidth;
    const scrolls = (el: Element) => /auto|scroll|hidden|clip/.test(getComputedStyle(el).overflowX);
    const insideScroller = (el: Element) => {
      for (let parent = el.parentElement; parent && parent !== document.body; parent = parent.parentElement) if (scrolls(parent)) return true;
      return false;
    };
    const describe = (el: Element) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''}`;
    const offenders = [...document.body.querySelectorAll('*')]
      .filter((el) => el.getBoundingClientRect().right > width + 0.5 && !insideScroller(el))
      .slice(0, 10)
      .map((el) => `${describe(el)} ends at ${Math.round(el.getBoundingClientRect().right)}px`);
    return { scrollWidth: document.documentElement.scrollWidth, width, offenders };
  });
  expect(found.scrollWidth, `${screen} scrolls sideways at ${found.width}px wide: ${found.offenders.join('; ') || 'no single element found'}`).toBeLessThanOrEqual(found.width);
}

/** What a screen reader would call the focused element, roughly: its label, else its text. */
export async function focusedName(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return '';
    const labelled = el.getAttribute('aria-labelledby');
    const name = el.getAttribute('aria-label')
      ?? (labelled ? document.getElementById(labelled)?.textContent : null)
      ?? (el as HTMLInputElement).labels?.[0]?.textContent
      ?? el.textContent;
    return `${el.tagName.toLowerCase()}:${(name ?? '').trim()}`;
  });
}

/** Whether the focused element shows where the focus is: an outline at least 2px wide. */
export async function focusIsVisible(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return false;
    const style = getComputedStyle(el);
    return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  });
}
