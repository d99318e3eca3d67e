import fc from 'fast-check';
import { badValue, copies, jsonText, malformedJson, manyCopies, MAX_BODY_CHARS, nested, nesting, objectOf, pollution, rawNumber, rarely, type FuzzJson } from './fuzz-json.js';

/**
 * Request bodies from an operation's declared JSON schema and example: values of the declared
 * shape with wrong parts (a wrong type, a huge or non-finite number, NUL, a deep or huge
 * part, a prototype-pollution key), mutated examples, and text that is not JSON at all.
 */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  additionalProperties?: boolean | JsonSchema;
  example?: unknown;
  default?: unknown;
  format?: string;
}

/** A request body as sent: its text and content type. */
export interface FuzzBody { text: string; contentType: string }

const MAX_SCHEMA_DEPTH = 4;

/** A value of the schema's shape where any part may be wrong (`keys`: words to use as object keys). */
export function shapedValue(schema: JsonSchema | undefined, keys: fc.Arbitrary<string>, depth = 0): fc.Arbitrary<FuzzJson> {
  const bad = badValue(keys);
  if (!schema || depth > MAX_SCHEMA_DEPTH) return bad;
  return fc.oneof({ weight: 5, arbitrary: rightShape(schema, keys, depth) }, { weight: 1, arbitrary: bad });
}

function rightShape(schema: JsonSchema, keys: fc.Arbitrary<string>, depth: number): fc.Arbitrary<FuzzJson> {
  const variants = schema.anyOf ?? schema.oneOf ?? schema.allOf;
  if (variants?.length) return fc.oneof(...variants.map((v) => shapedValue(v, keys, depth + 1)));
  if (schema.enum?.length) return fc.constantFrom(...(schema.enum as FuzzJson[]));
  if (schema.const !== undefined) return fc.constant(schema.const as FuzzJson);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'integer': return fc.oneof(fc.integer({ min: schema.minimum ?? -10, max: Math.min(schema.maximum ?? 1_000, 1_000) }), boundary(schema), rawNumber, rawNumber);
    case 'number': return fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), boundary(schema), rawNumber, rawNumber);
    case 'boolean': return fc.boolean();
    case 'string': return fc.oneof(fc.string({ maxLength: Math.min(schema.maxLength ?? 12, 12) }), fc.constant('x'.repeat((schema.maxLength ?? 255) + 1)));
    case 'null': return fc.constant(null);
    case 'array': return fc.oneof(
      { weight: 4, arbitrary: fc.array(shapedValue(schema.items, keys, depth + 1), { maxLength: 4 }) },
      { weight: 1, arbitrary: manyCopies(shapedValue(schema.items, keys, depth + 1)) },
    );
    case 'object':
    default: {
      const properties = Object.entries(schema.properties ?? {});
      if (!properties.length) return fc.dictionary(keys, shapedValue(undefined, keys, depth + 1), { maxKeys: 4 }) as fc.Arbitrary<FuzzJson>;
      return fc.record({
        present: fc.subarray(properties, { minLength: Math.min(schema.required?.length ?? 0, properties.length) }),
        values: fc.tuple(...properties.map(([, s]) => shapedValue(s, keys, depth + 1))),
        extra: rarely(fc.tuple(keys, badValue(keys)), null),
      }).map(({ present, values, extra }) => {
        const entries: Array<[string, FuzzJson]> = properties.flatMap(([name], i) => (present.some(([p]) => p === name) ? [[name, values[i]!]] : []));
        if (extra) entries.push(extra);
        return objectOf(entries);
      });
    }
  }
}

/** Values at and just beyond a declared number range. */
const boundary = (schema: JsonSchema): fc.Arbitrary<FuzzJson> => fc.constantFrom<FuzzJson>(
  ...[schema.minimum, schema.maximum].filter((n): n is number => n !== undefined).flatMap((n) => [n, n - 1, n + 1, n + 0.5]), 0, -1,
);

/** Every path to a part of a value (an example's leaves and branches), for mutation. */
function pathsOf(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const here = [prefix];
  if (Array.isArray(value)) return here.concat(...value.map((v, i) => pathsOf(v, [...prefix, i])));
  if (value && typeof value === 'object') return here.concat(...Object.entries(value).map(([k, v]) => pathsOf(v, [...prefix, k])));
  return here;
}

function replaced(value: unknown, path: Array<string | number>, by: (old: unknown) => FuzzJson): FuzzJson {
  if (!path.length) return by(value);
  const [head, ...rest] = path;
  if (Array.isArray(value)) return value.map((v, i) => (i === head ? replaced(v, rest, by) : v as FuzzJson));
  return objectOf(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, k === head ? replaced(v, rest, by) : v as FuzzJson]));
}

/** The example with one part replaced: a bad value, the part nested deeply under a filter word, or the part repeated. */
export function mutatedExample(example: unknown, keys: fc.Arbitrary<string>): fc.Arbitrary<FuzzJson> {
  const all = pathsOf(example);
  const containers = all.filter((p) => { const v = p.reduce<any>((at, k) => at?.[k], example); return v !== null && typeof v === 'object'; });
  const path = containers.length ? fc.oneof(fc.constantFrom(...containers), fc.constantFrom(...all)) : fc.constantFrom(...all);
  return fc.record({ path, how: fc.nat(4), bad: badValue(keys), deep: nesting(keys), count: fc.constantFrom(1_000, 5_000), distinct: fc.boolean() })
    .map(({ path, how, bad, deep, count, distinct }) => replaced(example, path, (old) => {
      if (how === 0) return nested(deep, old as FuzzJson);
      if (how === 1 && Array.isArray(old) && old.length) return copies(old[0] as FuzzJson, count, distinct);
      if (how === 2 && old && typeof old === 'object' && !Array.isArray(old)) return objectOf([...Object.entries(old as Record<string, FuzzJson>), ['__proto__', { polluted: 1 }]]);
      return bad;
    }));
}

/** A JSON body for an operation: shaped by its schema, its example mutated, pollution, or not JSON at all. */
export function jsonBody(schema: JsonSchema | undefined, keys: fc.Arbitrary<string>): fc.Arbitrary<FuzzBody> {
  // Several big parts in one value could still add up: such a body is drawn again.
  const json = (value: fc.Arbitrary<FuzzJson>) => value.map((v) => ({ text: jsonText(v), contentType: 'application/json' })).filter((b) => b.text.length <= 4 * MAX_BODY_CHARS);
  const example = schema?.example;
  return fc.oneof(
    { weight: 4, arbitrary: json(shapedValue(schema, keys)) },
    { weight: example === undefined ? 0 : 4, arbitrary: example === undefined ? json(fc.constant(null)) : json(mutatedExample(example, keys)) },
    // The example as documented: a valid body gets past validation, so the odd path or query is what the handler meets.
    { weight: example === undefined ? 0 : 2, arbitrary: json(fc.constant((example ?? null) as FuzzJson)) },
    { weight: 1, arbitrary: json(pollution) },
    { weight: 2, arbitrary: malformedJson.map((text) => ({ text, contentType: 'application/json' })) },
    { weight: 1, arbitrary: fc.record({
      text: fc.oneof(malformedJson, shapedValue(schema, keys).map(jsonText)),
      contentType: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', 'application/octet-stream', 'multipart/form-data', 'application/json;;'),
    }) },
  );
}

/** A multipart upload (the file library): odd file names and fields, truncated or unbounded parts. */
export const multipartBody: fc.Arbitrary<FuzzBody> = fc.record({
  filename: fc.constantFrom('a.txt', '../../etc/passwd', 'a\u0000.png', '💩.gif', '', '.', 'x'.repeat(2_000), 'CON', 'a"b.txt'),
  type: fc.constantFrom('image', 'video', 'audio', 'attachment', 'bogus', ''),
  content: fc.constantFrom('hello', '\u0000\u0001\u0002', '<svg onload=alert(1)>', 'GIF89a', ''),
  truncated: fc.boolean(),
}).map(({ filename, type, content, truncated }) => {
  const boundary = 'fuzzboundary';
  const text = `--${boundary}\r\nContent-Disposition: form-data; name="type"\r\n\r\n${type}\r\n`
    + `--${boundary}\r\nContent-Disposition: form-data; name="content"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n${content}\r\n`
    + (truncated ? '' : `--${boundary}--\r\n`);
  return { text, contentType: `multipart/form-data; boundary=${boundary}` };
});
