import fc from 'fast-check';

/**
 * JSON values for the security fuzzer, including what JSON.stringify cannot write: numbers
 * beyond a double (`1e400`), digits past 2^53, and nesting deeper than a recursive writer
 * should go. Such parts are `RawJson` (their text is written as is); everything else is a
 * plain value. Objects may carry own `__proto__` / `constructor` keys (built with
 * Object.fromEntries, which defines them as data properties instead of calling the setter).
 */
export class RawJson {
  constructor(readonly text: string) {}
}
export type FuzzJson = null | boolean | number | string | RawJson | FuzzJson[] | { [key: string]: FuzzJson };

/** The JSON text of a fuzz value (RawJson parts verbatim; non-finite numbers as JSON.stringify writes them: null). */
export function jsonText(value: FuzzJson): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(jsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).map(([key, v]) => `${JSON.stringify(key)}:${jsonText(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** An object with exactly these own keys, `__proto__` included. */
export const objectOf = (entries: Array<[string, FuzzJson]>): FuzzJson => Object.fromEntries(entries) as FuzzJson;

/** `nil` three times in four, a value from `arb` otherwise (fc.option's `freq` is the other way round: 1/freq nil). */
export const rarely = <T, N>(arb: fc.Arbitrary<T>, nil: N): fc.Arbitrary<T | N> => fc.oneof({ weight: 3, arbitrary: fc.constant(nil) }, { weight: 1, arbitrary: arb });

/** Numbers a double cannot hold, or that parsers and SQL drivers disagree about. */
export const rawNumber: fc.Arbitrary<RawJson> = fc.constantFrom(
  '1e400', '-1e400', '1e999', '1e106', '1e308', '-0', '0.0000000000000000000001', '123456789012345678901234567890',
  '9007199254740993', '-9223372036854775809', '18446744073709551616', '1.7976931348623157e309', '4.9e-325', '1E+2', '0e0',
).map((text) => new RawJson(text));

/** Numbers JSON can hold that are still odd: boundaries, fractions where integers are expected. */
export const oddNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(0, -1, 1.5, -0.5, 2 ** 31, 2 ** 31 - 1, -(2 ** 31), 2 ** 53, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, Number.MAX_VALUE, Number.MIN_VALUE, 1e21, 1e-7),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

/** Strings with NUL, lone surrogates, control characters, right-to-left marks, SQL and path syntax. */
export const oddString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '', ' ', '\u0000', 'a\u0000b', '\u0000'.repeat(64), '\ud800', '\udfff', 'a\ud800b', '\u202e\u0301', '\ufeff', '\uffff', '💩', '𝒳'.repeat(40),
    '\r\n', '\t', '\\', '"', '\'', "'; DROP TABLE x; --", '%', '_', '*', '?', '../../etc/passwd', '..\\..\\boot.ini', '${x}', '{{x}}',
    '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'NaN', 'Infinity', '-Infinity', '1e999', 'null', 'true', '[]', '{}',
    'xata', 'xata_id', 'id', '_strata_tables', 'rec_', 'live', 'main', '0x5', '5e0', '+5', '05', '5.0',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(256, 1_000, 70_000).chain((n) => fc.constantFrom('a', 'é', '\u0000', '💩').map((c) => c.repeat(n))),
);

/** How deep, and whether under arrays or under one object key. */
export interface Nesting { depth: number; key: string | null }
export const nesting = (keys: fc.Arbitrary<string>): fc.Arbitrary<Nesting> => fc.record({
  depth: fc.oneof(fc.integer({ min: 2, max: 200 }), fc.constantFrom(1_000, 5_000, 20_000)),
  key: fc.option(keys, { freq: 2 }),
});

/** A value nested deeply, as text (a recursive writer or reader could overflow its stack). */
export const nested = ({ depth, key }: Nesting, inner: FuzzJson): RawJson => key === null
  ? new RawJson('['.repeat(depth) + jsonText(inner) + ']'.repeat(depth))
  : new RawJson(`{${JSON.stringify(key)}:`.repeat(depth) + jsonText(inner) + '}'.repeat(depth));

export const deepNesting = (keys: fc.Arbitrary<string>, inner: fc.Arbitrary<FuzzJson>): fc.Arbitrary<RawJson> =>
  fc.tuple(nesting(keys), inner).map(([shape, value]) => nested(shape, value));

/** A bound on the text of a body (copies of a big part are fewer). */
export const MAX_BODY_CHARS = 1_000_000;

/** Copies of one element: many sort keys, a huge `$any`, a schema of many columns (`name`s made distinct). */
export const manyCopies = (element: fc.Arbitrary<FuzzJson>): fc.Arbitrary<FuzzJson[]> => fc.record({
  count: fc.constantFrom(100, 1_000, 1_100, 5_000),
  element,
  distinct: fc.boolean(),
}).map(({ count, element, distinct }) => copies(element, count, distinct));

export function copies(element: FuzzJson, count: number, distinct: boolean): FuzzJson[] {
  const n = Math.min(count, Math.max(1, Math.floor(MAX_BODY_CHARS / (jsonText(element).length + 1))));
  return Array.from({ length: n }, (_, i) => (distinct ? renamed(element, i) : element));
}

/** A copy made distinct: a string, or an object's `name`, gets the copy's number. */
export function renamed(value: FuzzJson, i: number): FuzzJson {
  if (typeof value === 'string') return `${value}${i}`;
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof RawJson) return value;
  return objectOf(Object.entries(value).map(([k, v]) => [k, k === 'name' && typeof v === 'string' ? `${v}${i}` : v]));
}

/** Prototype pollution attempts, as a whole body or nested anywhere. */
export const pollution: fc.Arbitrary<FuzzJson> = fc.constantFrom<FuzzJson>(
  objectOf([['__proto__', { polluted: 1 }]]),
  objectOf([['constructor', { prototype: { polluted: 1 } }]]),
  objectOf([['__proto__', objectOf([['__proto__', { polluted: 1 }]])]]),
  objectOf([['a', 1], ['__proto__', { polluted: 1, isOwner: true, scopes: 65535 }]]),
  objectOf([['prototype', { polluted: 1 }]]),
);

/** Any wrong value in place of a right one. */
export const badValue = (keys: fc.Arbitrary<string>): fc.Arbitrary<FuzzJson> => fc.oneof(
  { weight: 3, arbitrary: oddString },
  { weight: 2, arbitrary: rawNumber },
  { weight: 2, arbitrary: oddNumber },
  { weight: 1, arbitrary: fc.constantFrom<FuzzJson>(null, true, false, [], {}, [null], [[]], [{}]) },
  { weight: 1, arbitrary: pollution },
  { weight: 1, arbitrary: deepNesting(keys, fc.constantFrom<FuzzJson>(1, 'x', null, {})) },
  { weight: 1, arbitrary: manyCopies(fc.oneof(oddString, oddNumber, fc.constant<FuzzJson>({}))) },
  { weight: 1, arbitrary: fc.dictionary(keys, fc.oneof(oddString, oddNumber, rawNumber), { maxKeys: 4 }) as fc.Arbitrary<FuzzJson> },
);

/** Text that is not JSON, or is JSON only to a lenient parser. */
export const malformedJson: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '{', '}', '[', '{"a":}', '{"a":1,}', '[1,]', '{a:1}', "{'a':1}", '{"a":01}', '{"a":.5}', '{"a":NaN}', '{"a":Infinity}', '{"a":-Infinity}',
    '{"a":undefined}', '{"a":1}{"b":2}', '{"a":1} trailing', '\ufeff{}', '\u0000', '{"a":"\u0000"}', '{"a":"\\u0000"}', '{"a":"\\ud800"}',
    '{"a":"\\x41"}', '{"a":"unterminated', '"just a string"', '42', 'true', 'null', '[]', '', ' ', '\n', '{"__proto__":{"polluted":1}}',
    '{"a":1,"a":2}', '{"constructor":{"prototype":{"polluted":1}}}', `{"a":${'1'.repeat(5000)}}`, '{"a":1e99999}', '[' + '1,'.repeat(10_000) + '1]',
  ),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom(100, 5_000, 50_000).map((n) => '['.repeat(n)),
  fc.constantFrom(100, 5_000).map((n) => '{"a":'.repeat(n)),
);
