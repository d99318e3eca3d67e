import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseTable } from '../../src/http/meta-api/xanoscript/parse-table.js';
import { printTable } from '../../src/http/meta-api/xanoscript/print-table.js';
import { descriptorOf, fieldOf, indexBodiesOf, type TableNames } from '../../src/http/meta-api/xanoscript/descriptors.js';
import type { XsTable } from '../../src/http/meta-api/xanoscript/table-definition.js';
import { TEXT_FORMATS } from '../../src/kernel/model/xano-column.js';
import { StrataError } from '../../src/kernel/errors.js';

/**
 * XanoScript table definitions without a server: random column descriptors (as GET …/schema
 * answers them) printed and parsed back are the same descriptors; the parser's refusals name
 * the line and column.
 */
const TABLES: Record<number, string> = { 1: 'authors', 2: 'odd-name table' };
const names: TableNames = {
  nameOf: (id) => TABLES[id],
  idOf: (name) => Number(Object.entries(TABLES).find(([, n]) => n === name)?.[0]) || undefined,
};

type Descriptor = Record<string, unknown> & { name: string; type: string };

const text = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', '"', '\\', '\n', '\t', 'é', '😀', '/', '{', '}', '|', '=', '?', '0'), maxLength: 12 });
const columnName = fc.oneof(
  fc.stringMatching(/^[a-z_][a-z0-9_]{0,10}$/),
  fc.stringMatching(/^[a-z0-9][a-z0-9_~-]{0,8}$/), // needs quoting
  fc.constantFrom('true', 'null', 'table', 'schema', 'filters', 'index'),
).filter((n) => n !== 'id' && !n.startsWith('xata'));
const number = fc.oneof(fc.integer({ min: -1e6, max: 1e6 }), fc.constantFrom(0.5, -2.25, 1e21));

const SIMPLE = ['bool', 'json', 'date', 'image', 'video', 'audio', 'attachment', 'geo_point', 'geo_polygon', 'password', 'uuid'];
function typed(): fc.Arbitrary<Partial<Descriptor> & { type: string }> {
  const validators = fc.option(fc.subarray(['trim', 'lower'], { minLength: 1 }).map((keys) => Object.fromEntries(keys.map((k) => [k, true]))), { nil: undefined });
  return fc.oneof(
    fc.record({
      type: fc.constant('text'), validators,
      filters: fc.option(fc.record({ upper: fc.constant(true), min: fc.nat(50), max: fc.nat(500), startsWith: text, pattern: fc.constantFrom('^a', 'b$', '[0-9]+') }, { requiredKeys: [] }).filter((f) => Object.keys(f).length > 0), { nil: undefined }),
      format: fc.option(fc.constantFrom(...TEXT_FORMATS.filter((f) => f !== '')), { nil: undefined }),
    }, { requiredKeys: ['type'] }),
    fc.record({ type: fc.constant('email'), validators }, { requiredKeys: ['type'] }),
    fc.record({ type: fc.constantFrom('int', 'decimal'), filters: fc.option(fc.record({ min: number, max: number }, { requiredKeys: [] }).filter((f) => Object.keys(f).length > 0), { nil: undefined }) }, { requiredKeys: ['type'] }),
    fc.record({ type: fc.constant('timestamp') }),
    fc.record({ type: fc.constant('enum'), values: fc.uniqueArray(text.filter((v) => v !== ''), { minLength: 1, maxLength: 4 }) }),
    fc.record({ type: fc.constant('vector'), vector: fc.record({ size: fc.integer({ min: 2, max: 10000 }) }) }),
    fc.record({ type: fc.constantFrom('int', 'uuid'), tableref_id: fc.constantFrom(1, 2) }),
    fc.record({ type: fc.constantFrom(...SIMPLE) }),
  );
}

function defaultFor(d: { type: string; tableref_id?: unknown }): fc.Arbitrary<string> {
  if (d.tableref_id !== undefined) return fc.constant('');
  switch (d.type) {
    case 'text': case 'email': case 'enum': case 'date': case 'uuid': return fc.oneof(fc.constant(''), text.filter((v) => v !== ''));
    case 'int': return fc.oneof(fc.constant(''), fc.integer().map(String));
    case 'decimal': return fc.constantFrom('', '1.5', '-0.25', '3');
    case 'bool': return fc.constantFrom('', 'true', 'false');
    case 'timestamp': return fc.constantFrom('', 'now', '2024-01-31T12:00:00Z');
    default: return fc.constant('');
  }
}

const common = fc.record({
  name: columnName, description: text, nullable: fc.boolean(), required: fc.boolean(),
  access: fc.constantFrom('public', 'private', 'internal'), sensitive: fc.boolean(), list: fc.boolean(),
});

const leaf = (withDefault: boolean): fc.Arbitrary<Descriptor> => fc.tuple(common, typed()).chain(([c, t]) => {
  const { list, ...rest } = c;
  const style = list && t.type !== 'password' ? 'list' : 'single';
  return (withDefault && style === 'single' ? defaultFor(t) : fc.constant('')).map((d) => ({ ...rest, ...t, style, default: d }) as Descriptor);
});
const objectColumn: fc.Arbitrary<Descriptor> = fc.tuple(common, fc.uniqueArray(leaf(false), { minLength: 1, maxLength: 3, selector: (c) => c.name })).map(([c, children]) => {
  const { list, ...rest } = c;
  return { ...rest, type: 'object', style: list ? 'list' : 'single', default: '', children };
});

const ID: Descriptor = { name: 'id', type: 'int', description: '', nullable: false, default: '', required: true, access: 'public', sensitive: false, style: 'single' };
const tableArb = fc.record({
  name: fc.oneof(columnName, fc.constant('my table')),
  description: text, auth: fc.boolean(), guid: fc.option(fc.stringMatching(/^[\w-]{27}$/), { nil: undefined }),
  tags: fc.array(text, { maxLength: 3 }),
  columns: fc.uniqueArray(fc.oneof({ weight: 5, arbitrary: leaf(true) }, { weight: 1, arbitrary: objectColumn }), { maxLength: 8, selector: (c) => c.name.toLowerCase() }),
});

const withoutPositions = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (k, v) => (k === 'at' ? undefined : v)));

describe('XanoScript table definitions', () => {
  it('print → parse gives back the same column descriptors and indexes (property)', () => {
    fc.assert(fc.property(tableArb, (t) => {
      const schema = [ID, ...t.columns];
      const definition: XsTable = {
        name: t.name, description: t.description, auth: t.auth, ...(t.guid ? { guid: t.guid } : {}), tags: t.tags,
        schema: schema.map((d) => fieldOf(d, names)),
        index: [
          { type: 'primary', field: [{ name: 'id' }] },
          ...t.columns.slice(0, 2).map((c, i) => ({ type: i === 0 ? 'btree' : 'btree|unique', field: [{ name: c.name, op: i === 0 ? 'desc' : 'asc' }] })),
        ],
      };
      const printed = printTable(definition);
      const parsed = parseTable(printed);
      expect(withoutPositions(parsed)).toEqual(withoutPositions(definition));
      expect(parsed.schema.map((f) => descriptorOf(f, names))).toEqual(schema);
      expect(indexBodiesOf(parsed.index).map((i) => i.type)).toEqual(['primary', ...t.columns.slice(0, 2).map((_, i) => (i === 0 ? 'btree' : 'unique'))]);
      // Printing is a fixed point: what is parsed prints the same again.
      expect(printTable(parsed)).toBe(printed);
    }), { numRuns: 400 });
  });

  it('reads a script whatever its layout: comments, commas, spacing, quoted names', () => {
    const compact = parseTable([
      '// exported by hand', 'table "people" {', '  schema {', '    int id // the key', '    text   name?=  "Ada"   filters = trim', '    enum role { values = ["a","b",] }',
      '  }', '  index = [{type : "primary", field: [{name: "id"}]}, {type: "btree", field: [{name: "name", op: "asc"},],},]', '  auth = true', '}',
    ].join('\r\n'));
    expect(compact.name).toBe('people');
    expect(compact.auth).toBe(true);
    expect(compact.schema.map((f) => descriptorOf(f, names))).toEqual([
      ID,
      { ...ID, name: 'name', type: 'text', nullable: false, required: false, default: 'Ada', validators: { trim: true } },
      { ...ID, name: 'role', type: 'enum', values: ['a', 'b'] },
    ]);
    expect(compact.index).toHaveLength(2);
  });

  it('takes the Xano documentation\'s tables (xano-inc/xano-developer-mcp tables.md)', () => {
    const user = parseTable(`table "user" {
  auth = true
  schema {
    int id
    text name filters=trim
    email email filters=trim|lower { sensitive = true }
    password password { sensitive = true }
    enum role?="user" { values = ["user", "admin", "moderator"] }
    bool is_active?=true
    timestamp created_at?=now
    timestamp updated_at?
    vector? embeddings? {
      size = 768
    }
    int[] allergy_ids {
      table = "authors"
    }
    date? initial?
  }
  index = [
    {type: "primary", field: [{name: "id"}]}
    {type: "btree|unique", field: [{name: "email"}]}
    {type: "gin", field: [{name: "xdo", op: "jsonb_path_op"}]}
  ]
  guid = "7BUMMEiYTvd6amYU6QPbYB-Q524"
}`);
    const described = user.schema.map((f) => descriptorOf(f, names));
    expect(described.map((d) => `${d.type}${d.style === 'list' ? '[]' : ''}${d.nullable ? '?' : ''} ${d.name}${d.required ? '' : '?'}${d.default ? `=${String(d.default)}` : ''}`)).toEqual([
      'int id', 'text name', 'email email', 'password password', 'enum role?=user', 'bool is_active?=true', 'timestamp created_at?=now', 'timestamp updated_at?',
      'vector? embeddings?', 'int[] allergy_ids', 'date? initial?',
    ]);
    expect(described[2]).toMatchObject({ sensitive: true, validators: { trim: true, lower: true } });
    expect(described[8]).toMatchObject({ vector: { size: 768 } });
    expect(described[9]).toMatchObject({ tableref_id: 1, style: 'list' });
    // Xano's own index over its internal xdo column is skipped; btree|unique is a unique index.
    expect(indexBodiesOf(user.index)).toEqual([{ type: 'primary', fields: [{ name: 'id' }] }, { type: 'unique', fields: [{ name: 'email' }] }]);
    expect(user.guid).toBe('7BUMMEiYTvd6amYU6QPbYB-Q524');
  });

  const refusal = (source: string) => {
    try { parseTable(source); } catch (err) {
      expect(err).toBeInstanceOf(StrataError);
      expect((err as StrataError).status).toBe(400);
      return (err as Error).message;
    }
    throw new Error('parsed');
  };

  it('refuses what it cannot read, naming the line and column', () => {
    expect(refusal('')).toBe('XanoScript line 1, column 1: expected "table" (this endpoint takes table definitions), found the end of the script');
    expect(refusal('query foo verb=GET {\n}')).toBe('XanoScript line 1, column 1: expected "table" (this endpoint takes table definitions), found "query"');
    expect(refusal('table t {\n  schema {\n    int id\n')).toBe('XanoScript line 4, column 1: expected a field type (int, text, timestamp, …) or "}", found the end of the script');
    expect(refusal('table t {\n  schema {\n    int id\n    text\n    name\n  }\n}')).toBe('XanoScript line 5, column 5: expected the name of the text field on the same line');
    expect(refusal('table t {\n  schema {\n    text a b\n  }\n}')).toBe('XanoScript line 3, column 12: unexpected "b" after field [a] (one field per line)');
    expect(refusal('table t {\n  schema {\n    text a\n    int a\n  }\n}')).toBe('XanoScript line 4, column 5: field [a] is defined twice');
    expect(refusal('table t {\n  schema {\n    text a {\n      colour = "red"\n    }\n  }\n}')).toMatch(/^XanoScript line 4, column 7: expected one of description, sensitive, visibility/);
    expect(refusal('table t {\n  schema {\n    text a {\n      visibility = "secret"\n    }\n  }\n}')).toBe('XanoScript line 4, column 20: visibility of field [a] must be "public", "private", "internal"');
    expect(refusal('table t {\n  schema {\n    json a?={}\n  }\n}')).toBe('XanoScript line 3, column 13: field [a]: a list or object default is not supported (json columns take no default here)');
    expect(refusal('table t {\n  schema {\n    text a filters=trim|\n  }\n}')).toBe('XanoScript line 4, column 3: expected a filter name (trim, lower, min, …), found "}"');
    expect(refusal('table t {\n  schema {\n    text a filters=max:{}\n  }\n}')).toBe('XanoScript line 3, column 24: filter max takes a number or a string');
    expect(refusal('table t {\n  index = [{type: btree}]\n}')).toBe('XanoScript line 2, column 19: expected a string, a number, true, false or null, found "btree" (quote it)');
    expect(refusal('table t {\n  index = [{type: "btree", type: "gin"}]\n}')).toBe('XanoScript line 2, column 28: key type is given twice');
    expect(refusal('table t {\n  tags = "x"\n}')).toBe('XanoScript line 2, column 10: tags must be a list of strings');
    expect(refusal('table t {\n  auth = true\n  auth = false\n}')).toBe('XanoScript line 3, column 3: auth is given twice');
    expect(refusal('table t {\n  colour = 1\n}')).toBe('XanoScript line 2, column 3: expected one of auth, description, guid, tags, schema, index or "}", found "colour"');
    expect(refusal('table t {\n}\ntable u {\n}')).toBe('XanoScript line 3, column 1: expected the end of the script after the table\'s "}", found "table"');
    expect(refusal('table t {\n  description = "tab\\q"\n}')).toBe('XanoScript line 2, column 21: unknown escape \\q in a string');
    expect(refusal('table t {\n  description = "no end\n}')).toBe('XanoScript line 2, column 17: unterminated string');
    expect(refusal('table t {\n  auth = @\n}')).toBe('XanoScript line 2, column 10: unexpected character "@"');
  });

  it('refuses a reference from a type that cannot hold one, or to a table that is not there', () => {
    const [field] = parseTable('table t {\n  schema {\n    text a {\n      table = "authors"\n    }\n  }\n}').schema;
    expect(() => descriptorOf(field!, names)).toThrow('XanoScript line 3, column 5: field [a]: table = … references a table from an int or uuid field, not text');
    const [ghost] = parseTable('table t {\n  schema {\n    int a {\n      table = "ghosts"\n    }\n  }\n}').schema;
    expect(() => descriptorOf(ghost!, names)).toThrow('XanoScript line 3, column 5: field [a]: table [ghosts] not found');
    expect(() => indexBodiesOf([{ type: 'btree', fields: [] }])).toThrow(/unknown key fields/);
  });
});
