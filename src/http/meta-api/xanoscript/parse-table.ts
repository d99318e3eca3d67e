import { syntaxError, tokenize, type Token } from './tokens.js';
import type { Position, XsField, XsIndex, XsPlain, XsTable } from './table-definition.js';

/**
 * XanoScript table definitions → XsTable. The subset Xano prints for a table:
 *
 *   table "name" { auth = false  description = "…"  schema { … }  index = [ … ]  guid = "…"  tags = [ … ] }
 *   field:  type[[]][?] name[?][=default] [filters=f|f:arg] [{ description = "…" sensitive = true
 *           visibility = "private" table = "user" values = ["a"] size = 768 format = "markdown" schema { … } }]
 *
 * Anything else is refused with its line and column (tokens.ts `syntaxError`).
 */
const VISIBILITY = ['public', 'private', 'internal'] as const;
const TABLE_ITEMS = ['auth', 'description', 'guid', 'tags', 'schema', 'index'];
const FIELD_ATTRS = ['description', 'sensitive', 'visibility', 'table', 'values', 'size', 'format', 'schema'];
/** Filters that are the 2026 descriptor's `validators` on text and email. */
const VALIDATOR_FILTERS = new Set(['trim', 'lower']);
const VALIDATED = new Set(['text', 'email']);

/** A value, or a bare word other than true/false/null (`now`), which only a default may be. */
interface Located { value: XsPlain; at: Position; word?: string }

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token { return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)]!; }
  private next(): Token { const t = this.peek(); if (t.kind !== 'end') this.i++; return t; }
  private fail(t: Token, message: string): never { throw syntaxError(t.line, t.column, message); }
  private describe(t: Token): string { return t.kind === 'end' ? 'the end of the script' : `${JSON.stringify(t.text)}`; }
  private isPunct(text: string, t = this.peek()): boolean { return t.kind === 'punct' && t.text === text; }
  private expectPunct(text: string, what?: string): Token {
    const t = this.next();
    if (!this.isPunct(text, t)) this.fail(t, `expected ${what ?? JSON.stringify(text)}, found ${this.describe(t)}`);
    return t;
  }
  private expectWord(what: string): Token {
    const t = this.next();
    if (t.kind !== 'word') this.fail(t, `expected ${what}, found ${this.describe(t)}`);
    return t;
  }
  /** A name: a word or a quoted string. */
  private name(what: string): Token {
    const t = this.next();
    if (t.kind !== 'word' && t.kind !== 'string') this.fail(t, `expected ${what}, found ${this.describe(t)}`);
    return t;
  }
  private sameLine(t = this.peek()): boolean { return !t.newlineBefore && t.kind !== 'end'; }

  table(): XsTable {
    const keyword = this.next();
    if (keyword.kind !== 'word' || keyword.text !== 'table') this.fail(keyword, `expected "table" (this endpoint takes table definitions), found ${this.describe(keyword)}`);
    const name = this.name('the table name').value;
    this.expectPunct('{');
    const out: XsTable = { name, description: '', auth: false, tags: [], schema: [], index: [] };
    const seen = new Set<string>();
    while (!this.isPunct('}')) {
      const item = this.next();
      if (item.kind !== 'word' || !TABLE_ITEMS.includes(item.text)) this.fail(item, `expected one of ${TABLE_ITEMS.join(', ')} or "}", found ${this.describe(item)}`);
      if (seen.has(item.text)) this.fail(item, `${item.text} is given twice`);
      seen.add(item.text);
      if (item.text === 'schema') { out.schema = this.fields(); continue; }
      this.expectPunct('=');
      const { value, at } = this.value();
      const wrong = (kind: string): never => { throw syntaxError(at.line, at.column, `${item.text} must be ${kind}`); };
      switch (item.text) {
        case 'auth': if (typeof value !== 'boolean') wrong('true or false'); out.auth = value as boolean; break;
        case 'description': if (typeof value !== 'string') wrong('a string'); out.description = value as string; break;
        case 'guid': if (typeof value !== 'string') wrong('a string'); out.guid = value as string; break;
        case 'tags':
          if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) wrong('a list of strings');
          out.tags = value as string[];
          break;
        case 'index':
          if (!Array.isArray(value) || !value.every((v) => typeof v === 'object' && v !== null && !Array.isArray(v))) wrong('a list of {type: …, field: […]} objects');
          out.index = value as XsIndex[];
          break;
      }
    }
    this.next();
    const rest = this.peek();
    if (rest.kind !== 'end') this.fail(rest, `expected the end of the script after the table's "}", found ${this.describe(rest)}`);
    return out;
  }

  /** `{ field* }` */
  private fields(): XsField[] {
    this.expectPunct('{', '"{" to open the schema');
    const fields: XsField[] = [];
    while (!this.isPunct('}')) {
      const field = this.field();
      if (fields.some((f) => f.name === field.name)) throw syntaxError(field.at!.line, field.at!.column, `field [${field.name}] is defined twice`);
      fields.push(field);
    }
    this.next();
    return fields;
  }

  private field(): XsField {
    const typeToken = this.expectWord('a field type (int, text, timestamp, …) or "}"');
    const field: XsField = {
      name: '', type: typeToken.text, style: 'single', nullable: false, required: true, default: '',
      description: '', sensitive: false, access: 'public', at: { line: typeToken.line, column: typeToken.column },
    };
    // type[]? or type?[]
    for (let k = 0; k < 2; k++) {
      if (this.sameLine() && this.isPunct('[') && this.isPunct(']', this.peek(1)) && field.style === 'single') { this.next(); this.next(); field.style = 'list'; }
      else if (this.sameLine() && this.isPunct('?') && !field.nullable) { this.next(); field.nullable = true; }
    }
    const nameToken = this.peek();
    if (!this.sameLine(nameToken)) this.fail(nameToken, `expected the name of the ${field.type} field on the same line`);
    field.name = this.name(`the name of the ${field.type} field`).value;
    if (this.sameLine() && this.isPunct('?')) { this.next(); field.required = false; }
    if (this.sameLine() && this.isPunct('=')) {
      this.next();
      field.default = this.defaultText(field);
    }
    if (this.sameLine() && this.peek().kind === 'word' && this.peek().text === 'filters') {
      this.next();
      this.expectPunct('=');
      this.filters(field);
    }
    if (this.sameLine() && this.isPunct('{')) this.attributes(field);
    else if (this.sameLine()) this.fail(this.peek(), `unexpected ${this.describe(this.peek())} after field [${field.name}] (one field per line)`);
    return field;
  }

  /** The descriptor's default as text: strings as they are, numbers as written, true/false/now as words. */
  private defaultText(field: XsField): string {
    const { value, at, word } = this.value();
    if (word !== undefined) return word;
    if (typeof value === 'string') return value;
    if (typeof value === 'boolean') return String(value);
    if (typeof value === 'number') return this.tokens[this.i - 1]!.text;
    if (value === null) return '';
    throw syntaxError(at.line, at.column, `field [${field.name}]: a list or object default is not supported (json columns take no default here)`);
  }

  private filters(field: XsField): void {
    for (;;) {
      const nameToken = this.expectWord('a filter name (trim, lower, min, …)');
      let arg: XsPlain = true;
      if (this.sameLine() && this.isPunct(':')) {
        this.next();
        const { value, at } = this.value();
        if (typeof value === 'object' && value !== null) throw syntaxError(at.line, at.column, `filter ${nameToken.text} takes a number or a string`);
        arg = typeof value === 'number' ? Number(this.tokens[this.i - 1]!.text) : value;
      }
      if (VALIDATED.has(field.type) && VALIDATOR_FILTERS.has(nameToken.text) && arg === true) (field.validators ??= {})[nameToken.text] = true;
      else {
        field.filters ??= {};
        if (nameToken.text in field.filters) this.fail(nameToken, `filter ${nameToken.text} is given twice`);
        field.filters[nameToken.text] = arg;
      }
      if (!(this.sameLine() && this.isPunct('|'))) return;
      this.next();
    }
  }

  private attributes(field: XsField): void {
    this.next(); // {
    const seen = new Set<string>();
    while (!this.isPunct('}')) {
      const attr = this.next();
      if (attr.kind !== 'word' || !FIELD_ATTRS.includes(attr.text)) this.fail(attr, `expected one of ${FIELD_ATTRS.join(', ')} or "}" in field [${field.name}], found ${this.describe(attr)}`);
      if (seen.has(attr.text)) this.fail(attr, `${attr.text} is given twice in field [${field.name}]`);
      seen.add(attr.text);
      if (attr.text === 'schema') { field.children = this.fields(); continue; }
      this.expectPunct('=');
      const { value, at } = this.value();
      const wrong = (kind: string): never => { throw syntaxError(at.line, at.column, `${attr.text} of field [${field.name}] must be ${kind}`); };
      switch (attr.text) {
        case 'description': if (typeof value !== 'string') wrong('a string'); field.description = value as string; break;
        case 'sensitive': if (typeof value !== 'boolean') wrong('true or false'); field.sensitive = value as boolean; break;
        case 'visibility':
          if (typeof value !== 'string' || !(VISIBILITY as readonly string[]).includes(value)) wrong(VISIBILITY.map((v) => `"${v}"`).join(', '));
          field.access = value as XsField['access'];
          break;
        case 'table': if (typeof value !== 'string' || value === '') wrong('a table name'); field.table = value as string; break;
        case 'format': if (typeof value !== 'string') wrong('a string'); field.format = value as string; break;
        case 'values':
          if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) wrong('a list of strings');
          field.values = value as string[];
          break;
        case 'size': if (typeof value !== 'number' || !Number.isInteger(value)) wrong('an integer'); field.vectorSize = value as number; break;
      }
    }
    this.next();
  }

  /** A value: "string", number, true/false/null, a word (`now`), [list], {key: value}. */
  private value(): Located {
    const t = this.next();
    const at = { line: t.line, column: t.column };
    if (t.kind === 'string') return { value: t.value, at };
    if (t.kind === 'number') return { value: Number(t.text), at };
    if (t.kind === 'word') {
      if (t.text === 'true' || t.text === 'false') return { value: t.text === 'true', at };
      if (t.text === 'null') return { value: null, at };
      return { value: null, at, word: t.text };
    }
    if (this.isPunct('[', t)) {
      const items: XsPlain[] = [];
      while (!this.isPunct(']')) {
        items.push(this.plain(this.value()));
        if (this.isPunct(',')) this.next();
      }
      this.next();
      return { value: items, at };
    }
    if (this.isPunct('{', t)) {
      const entries: Record<string, XsPlain> = {};
      while (!this.isPunct('}')) {
        const key = this.name('a key or "}"');
        if (key.value in entries) this.fail(key, `key ${key.value} is given twice`);
        this.expectPunct(':');
        entries[key.value] = this.plain(this.value());
        if (this.isPunct(',')) this.next();
      }
      this.next();
      return { value: entries, at };
    }
    return this.fail(t, `expected a value, found ${this.describe(t)}`);
  }

  /** Inside lists and objects a bare word is refused: only strings, numbers, true/false/null. */
  private plain({ value, at, word }: Located): XsPlain {
    if (word !== undefined) throw syntaxError(at.line, at.column, `expected a string, a number, true, false or null, found ${JSON.stringify(word)} (quote it)`);
    return value;
  }
}

export function parseTable(source: string): XsTable {
  return new Parser(tokenize(source)).table();
}
