import { StrataError } from '../../../kernel/errors.js';

/**
 * XanoScript's tokens, as far as table definitions use them: words (`table`, `int`,
 * `created_at`, `now`), double-quoted strings, numbers, and the punctuation of blocks,
 * lists and modifiers. `//` comments run to the end of the line. Every token keeps its line
 * and column (1-based) for error messages, and whether a line break came before it: a
 * field's modifiers (`?`, `=`, `filters=`, `{`) must stay on the field's line.
 */
export type TokenKind = 'word' | 'string' | 'number' | 'punct' | 'end';
export interface Token { kind: TokenKind; text: string; value: string; line: number; column: number; newlineBefore: boolean }

const PUNCT = new Set(['{', '}', '[', ']', ',', ':', '=', '?', '|']);
const WORD_START = /[A-Za-z_]/;
const WORD = /[A-Za-z0-9_]/;
const DIGIT = /[0-9]/;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' };

/** A XanoScript syntax error: a 400 whose message names the line and column. */
export function syntaxError(line: number, column: number, message: string): StrataError {
  return new StrataError('BAD_REQUEST', `XanoScript line ${line}, column ${column}: ${message}`, { param: 'body' });
}

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  let newlineBefore = true;
  const push = (kind: TokenKind, text: string, value: string, column: number) => {
    tokens.push({ kind, text, value, line, column, newlineBefore });
    newlineBefore = false;
  };
  while (i < source.length) {
    const ch = source[i]!;
    const column = i - lineStart + 1;
    if (ch === '\n') { i++; line++; lineStart = i; newlineBefore = true; continue; }
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\uFEFF') { i++; continue; }
    if (ch === '/' && source[i + 1] === '/') {
      while (i < source.length && source[i] !== '\n') i++;
      continue;
    }
    if (ch === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= source.length || source[j] === '\n') throw syntaxError(line, column, 'unterminated string');
        const c = source[j]!;
        if (c === '"') break;
        if (c === '\\') {
          const next = source[j + 1];
          if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(source.slice(j + 2, j + 6))) { value += String.fromCharCode(parseInt(source.slice(j + 2, j + 6), 16)); j += 6; continue; }
          if (next === undefined || ESCAPES[next] === undefined) throw syntaxError(line, j - lineStart + 1, `unknown escape \\${next ?? ''} in a string`);
          value += ESCAPES[next];
          j += 2;
          continue;
        }
        value += c;
        j++;
      }
      push('string', source.slice(i, j + 1), value, column);
      i = j + 1;
      continue;
    }
    if (DIGIT.test(ch) || (ch === '-' && DIGIT.test(source[i + 1] ?? ''))) {
      const match = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(source.slice(i))!;
      push('number', match[0], match[0], column);
      i += match[0].length;
      continue;
    }
    if (WORD_START.test(ch)) {
      let j = i + 1;
      while (j < source.length && WORD.test(source[j]!)) j++;
      push('word', source.slice(i, j), source.slice(i, j), column);
      i = j;
      continue;
    }
    if (PUNCT.has(ch)) { push('punct', ch, ch, column); i++; continue; }
    throw syntaxError(line, column, `unexpected character ${JSON.stringify(ch)}`);
  }
  tokens.push({ kind: 'end', text: '', value: '', line, column: i - lineStart + 1, newlineBefore: true });
  return tokens;
}
