import { tokenize, type Token } from '../../kernel/text/search-text.js';
import type { SearchTerm } from '../../kernel/plans/search-plan.js';

/**
 * `xata.highlight`: for each matched column, the matching words marked `<em>…</em>` in their
 * context, keyed by column (object columns nested, as Xata does). Short values come whole;
 * long ones as up to five fragments of about a hundred characters around the matches.
 * With encodeHTML (the default) the text is HTML-escaped and only the marks are markup.
 */
export type TermMatcher = (word: string) => boolean;

const WHOLE_VALUE_CHARS = 200;
const CONTEXT_CHARS = 50;
const MAX_FRAGMENTS = 5;

/** Which index words a search matched: its terms, their typo variants, and words a prefix term begins. */
export function termMatcher(terms: SearchTerm[]): TermMatcher {
  const words = new Set<string>();
  const prefixes: string[] = [];
  for (const term of terms) {
    words.add(term.text);
    for (const variant of term.variants) words.add(variant);
    if (term.prefix) prefixes.push(term.text);
  }
  return (word) => words.has(word) || prefixes.some((p) => word.startsWith(p));
}

export function highlightRecord(entries: Array<{ path: string; value: unknown }>, matcher: TermMatcher, encodeHTML: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { path, value } of entries) {
    const texts = Array.isArray(value) ? value : [value];
    const fragments = texts.flatMap((text) => (typeof text === 'string' ? highlightText(text, matcher, encodeHTML) : []));
    if (fragments.length > 0) setPath(out, path, fragments);
  }
  return out;
}

export function highlightText(text: string, matcher: TermMatcher, encodeHTML: boolean): string[] {
  const matches = tokenize(text).filter((t) => matcher(t.word));
  if (matches.length === 0) return [];
  const windows = text.length <= WHOLE_VALUE_CHARS ? [{ start: 0, end: text.length }] : fragmentWindows(text, matches);
  return windows.map((w) => mark(text, w, matches, encodeHTML));
}

interface Window { start: number; end: number }

/** Windows of context around the matches, cut at spaces, overlapping ones merged. */
function fragmentWindows(text: string, matches: Token[]): Window[] {
  const windows: Window[] = [];
  for (const token of matches) {
    let start = Math.max(0, token.start - CONTEXT_CHARS);
    let end = Math.min(text.length, token.end + CONTEXT_CHARS);
    if (start > 0) {
      const space = text.indexOf(' ', start);
      start = space >= 0 && space < token.start ? space + 1 : token.start;
    }
    if (end < text.length) {
      const space = text.lastIndexOf(' ', end);
      end = space > token.end ? space : token.end;
    }
    const last = windows[windows.length - 1];
    if (last && start <= last.end) last.end = Math.max(last.end, end);
    else if (windows.length < MAX_FRAGMENTS) windows.push({ start, end });
    else break;
  }
  return windows;
}

function mark(text: string, window: Window, matches: Token[], encodeHTML: boolean): string {
  const encode = encodeHTML ? escapeHtml : (s: string) => s;
  let out = '';
  let at = window.start;
  for (const token of matches) {
    if (token.start < window.start || token.end > window.end) continue;
    out += encode(text.slice(at, token.start)) + '<em>' + encode(text.slice(token.start, token.end)) + '</em>';
    at = token.end;
  }
  return (out + encode(text.slice(at, window.end))).trim();
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

function setPath(out: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let target = out;
  for (let i = 0; i < parts.length - 1; i++) target = (target[parts[i]!] ??= {}) as Record<string, unknown>;
  target[parts[parts.length - 1]!] = value;
}
