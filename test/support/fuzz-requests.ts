import fc from 'fast-check';
import { scopeBit } from '../../src/core/auth/scopes.js';
import { workspaceParamOf } from '../../src/http/route-access.js';
import { jsonBody, multipartBody, type FuzzBody } from './fuzz-bodies.js';
import { oddString, rarely } from './fuzz-json.js';
import type { FuzzOperation, Parameter } from './fuzz-openapi.js';
import type { ActorName, FuzzActor, FuzzWorld, WorkspaceKey } from './fuzz-world.js';

/**
 * Requests for the operations of the OpenAPI documents: odd spellings of real ids (the
 * victim's id as `0x5`, `5e0`, `+5`, ` 5`, `05`, `5.0`, …), odd identifiers (`__proto__`,
 * `..%2f`, NUL, unicode, very long), odd query values (`1e999`, `Infinity`, repeated keys)
 * and bodies from fuzz-bodies.ts. Each path segment says which workspace (or token) it
 * names, if any, so that the oracle (`may2xx`) knows what the caller may do with it.
 */
export interface Segment {
  /** As written in the path (percent-encoded where needed). */
  text: string;
  /** The workspace it names in some spelling (null: none); only for workspace parameters. */
  workspace?: WorkspaceKey | null;
  /** Whose token it names (token_id). */
  tokenOf?: ActorName | 'owner' | 'bystander' | null;
}
export interface FuzzRequest {
  op: FuzzOperation;
  segments: Record<string, Segment>;
  /** `?…` or empty. */
  query: string;
  headers: Record<string, string>;
  body?: FuzzBody;
}

/** Xata's filter language and the Metadata API's search operators, as keys for nesting and bodies. */
const FILTER_WORDS = ['$all', '$any', '$none', '$not', '$exists', '$notExists', '$is', '$isNot', '$contains', '$iContains', '$startsWith', '$endsWith',
  '$pattern', '$iPattern', '$lt', '$le', '$gt', '$ge', '$includes', '$includesAll', '$includesAny', '$includesNone', 'name|=', 'price|>', 'name|like|or'];
const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype'];

/** A string as a path segment or query value: percent-encoded as UTF-8 (a lone surrogate becomes U+FFFD). */
export function pct(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((b) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

/** Segments that name nothing: prototype keys, traversal, NUL, bad percent-encoding, unicode, numbers that are not ids, very long ones. */
const oddSegment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'hasOwnProperty', '..', '%2e%2e', '..%2f..%2fetc%2fpasswd', '%2F', '%5C', '%00', 'a%00b', '%ZZ', '%',
    '%E2%80%AE', '%F0%9F%92%A9', '%ED%A0%80', '%C0%AE', '-1', '0', '-0', '1e999', 'NaN', 'Infinity', '-Infinity', 'null', 'undefined', 'true', '%5B%5D', '*', '~',
    '%27%3B%20DROP%20TABLE%20x%3B--', '9007199254740993', '18446744073709551617', '1.5', 'a'.repeat(601), 'a'.repeat(5_000), '%20', '%09'),
  oddString.filter((s) => s.length <= 2_000).map(pct),
);

/** The same number, spelled so that a lenient parser reads it as that number. */
export const numberSpellings = (n: number): string[] => [
  `0x${n.toString(16)}`, `0X${n.toString(16).toUpperCase()}`, `${n}e0`, `${n}E0`, `${n}.0`, `${n}.`, `+${n}`, `%20${n}`, `${n}%20`, `%09${n}`, `${n}%0A`,
  `0${n}`, `00${n}`, `0b${n.toString(2)}`, `0o${n.toString(8)}`, `${n * 10}e-1`, `${n}.00000000000000001`, `${n}n`, `${n}%00`, `%2B${n}`,
];
const nameSpellings = (name: string): string[] => [
  name.toUpperCase(), `${name}%20`, `%20${name}`, `${name}%00`, `${pct(name)}%E2%80%8B`, `${name}.`, `.%2F${name}`, `${name}%2F..`, `${name}~`, `${name}%0A`,
];

/** A number as written: as is, or in another spelling; spellings that are some workspace's name are drawn far more often. */
const spelled = (n: number, names: ReadonlySet<string> = new Set()): fc.Arbitrary<string> => {
  const spellings = numberSpellings(n);
  const colliding = spellings.filter((text) => names.has(text));
  return fc.oneof({ weight: 2, arbitrary: fc.constant(String(n)) }, { weight: 2, arbitrary: fc.constantFrom(...spellings) },
    { weight: colliding.length ? 2 : 0, arbitrary: colliding.length ? fc.constantFrom(...colliding) : fc.constant(String(n)) });
};

const segment = (arb: fc.Arbitrary<string>): fc.Arbitrary<Segment> => arb.map((text) => ({ text }));

/**
 * What to put in each path parameter, by its name; an unknown name gets odd segments (a new
 * route is still fuzzed). Half the workspaces named are the actor's own (so that requests
 * get past the guard to the handlers), the rest anyone's.
 */
export function segmentArbitraries(world: FuzzWorld, actor: FuzzActor): Record<string, fc.Arbitrary<Segment>> {
  const all = Object.values(world.workspaces);
  const mine = all.filter((w) => actor.masks[w.key] !== undefined);
  const workspace = mine.length ? fc.oneof(fc.constantFrom(...mine), fc.constantFrom(...all)) : fc.constantFrom(...all);
  const names = new Set(all.map((w) => w.name));
  const decoded = (text: string) => { try { return decodeURIComponent(text); } catch { return text; } };
  const byName = (text: string) => all.find((w) => w.name === decoded(text))?.key;
  const odd = segment(oddSegment);
  const ghost = <T extends object>(extra: T) => odd.map((s) => ({ ...s, ...extra }));
  // A database name: a workspace's name (or a spelling of it), a spelling of a workspace's id, or nothing.
  const dbName: fc.Arbitrary<Segment> = fc.oneof(
    { weight: 5, arbitrary: workspace.map((w) => ({ text: w.name, workspace: w.key })) },
    { weight: 2, arbitrary: workspace.chain((w) => fc.constantFrom(...nameSpellings(w.name)).map((text) => ({ text, workspace: byName(text) ?? w.key }))) },
    { weight: 2, arbitrary: workspace.chain((w) => spelled(w.id).map((text) => ({ text, workspace: byName(text) ?? w.key }))) },
    { weight: 1, arbitrary: ghost({ workspace: null }) },
  );
  const branch = fc.oneof({ weight: 6, arbitrary: fc.constant('main') },
    { weight: 2, arbitrary: fc.constantFrom('MAIN', 'main%00', '', 'main:main', 'nope', '__proto__', 'main%20') }, { weight: 1, arbitrary: oddSegment });
  const anyOf = (...values: Array<string | number>) => {
    const numbers = values.filter((v): v is number => typeof v === 'number');
    return fc.oneof(
      { weight: 6, arbitrary: segment(fc.constantFrom(...values.map(String))) },
      { weight: numbers.length ? 2 : 0, arbitrary: numbers.length ? fc.constantFrom(...numbers).chain((n) => segment(spelled(n))) : odd },
      { weight: 2, arbitrary: odd },
    );
  };
  const ids = all.flatMap((w) => [...w.tableIds]);
  return {
    workspace_id: fc.oneof(
      { weight: 8, arbitrary: workspace.chain((w) => spelled(w.id, names).map((text) => ({ text, workspace: w.key }))) },
      { weight: 1, arbitrary: segment(fc.constantFrom('999999', '0', '-1', '2147483648', '9007199254740993', '1e999', 'Infinity')).map((s) => ({ ...s, workspace: null })) },
      { weight: 2, arbitrary: ghost({ workspace: null }) },
    ),
    db: dbName,
    dbBranch: fc.tuple(dbName, branch, fc.nat(9)).map(([db, b, n]) => ({ ...db, text: n === 0 ? db.text : `${db.text}:${b}` })),
    ws: anyOf('local', 'LOCAL'),
    name: anyOf('local'),
    table: anyOf('products', 'notes', '_strata_tables', 'xata', 'products%00', 'PRODUCTS'),
    table_id: anyOf(...ids),
    id: anyOf('1', '2', 'n1', 'n2', 'rec_cknl5hvh2k1n3s8ut8lg', 1, 2),
    content_id: anyOf(1, 2, 3, 'n1'),
    column: anyOf(...world.columns),
    schema_name: anyOf(...world.columns),
    label: anyOf('live', 'main', 'LIVE'),
    index_id: anyOf('1', 'abc'),
    file_id: anyOf(1, 2),
    fileId: anyOf('f1'),
    accessId: anyOf('00000000000000000000000000'),
    account_id: fc.oneof(
      fc.constantFrom(...world.accounts).chain((a) => fc.constantFrom(a.id, pct(a.email), pct(a.email.toUpperCase()), a.id.toUpperCase(), `${a.id}%20`, `%20${pct(a.email)}`)).map((text) => ({ text })),
      odd,
    ),
    token_id: fc.oneof(
      fc.constantFrom(...world.tokens).chain((t) => fc.constantFrom(t.id, t.id.toUpperCase(), `${t.id}%20`, `${t.id}%00`).map((text) => ({ text, tokenOf: text === t.id ? t.owner : null }))),
      ghost({ tokenOf: null }),
    ),
  };
}

/** Query values: right ones, numbers no parser should take (`1e999`, `Infinity`), repeated keys, pollution keys. */
const ODD_QUERY = ['1e999', 'Infinity', '-Infinity', 'NaN', '-1', '0', '1.5', '99999999999999999999', '9007199254740993', '0x10', '+1', '%201', '', '%00', 'a'.repeat(5_000), '__proto__', 'true', '%5B%5D', '%7B%7D', '1e106'];
function queryValue(param: Parameter): fc.Arbitrary<string> {
  const schema = param.schema;
  const right = schema?.enum?.length ? fc.constantFrom(...schema.enum.map(String))
    : schema?.anyOf?.length ? fc.constantFrom(...schema.anyOf.flatMap((s) => s.enum ?? []).map(String), 'x')
      : schema?.type === 'integer' || schema?.type === 'number' ? fc.integer({ min: -2, max: 100 }).map(String)
        : schema?.type === 'boolean' ? fc.constantFrom('true', 'false', '1', '0', 'yes') : fc.constantFrom('name', 'price', 'x', '2024-01-01T00:00:00Z');
  return fc.oneof({ weight: 2, arbitrary: right }, { weight: 3, arbitrary: fc.constantFrom(...ODD_QUERY) }, { weight: 1, arbitrary: oddString.filter((s) => s.length < 300).map(pct) });
}

function queryString(params: Parameter[]): fc.Arbitrary<string> {
  // Each parameter in a third of the requests (one, or repeated).
  const one = (p: Parameter) => fc.oneof({ weight: 2, arbitrary: fc.constant<string[]>([]) },
    { weight: 1, arbitrary: fc.array(queryValue(p), { minLength: 1, maxLength: 3 }).map((values) => values.map((v) => `${pct(p.name)}=${v}`)) });
  return fc.tuple(
    fc.tuple(...params.map(one)),
    rarely(fc.constantFrom('__proto__%5Bpolluted%5D=1', 'constructor%5Bprototype%5D%5Bpolluted%5D=1', '__proto__.polluted=1', 'a%5Bb%5D=c', 'page=1&page=2'), null),
  ).map(([parts, extra]) => {
    const all = [...parts.flat(), ...(extra ? [extra] : [])];
    return all.length ? `?${all.join('&')}` : '';
  });
}

/** Header values a client can send (fetch refuses control characters, so those are left out). */
const headerValue = fc.oneof(fc.constantFrom('live', 'main', 'LIVE', 'nope', '__proto__', ' main', 'main ', '..', 'a'.repeat(300), 'ma\u00efn'),
  oddString.filter((s) => /^[\x20-\x7e]*$/.test(s) && s.trim() === s));

function bodyOf(op: FuzzOperation, keys: fc.Arbitrary<string>): fc.Arbitrary<FuzzBody | undefined> {
  if (op.body?.contentType.startsWith('multipart/')) return fc.oneof({ weight: 3, arbitrary: multipartBody }, { weight: 1, arbitrary: jsonBody(undefined, keys) });
  if (op.body) return jsonBody(op.body.schema, keys);
  // Routes that take no declared JSON body (binary uploads, deletes) still get one sometimes.
  const bytes = fc.record({ text: fc.oneof(oddString, fc.constantFrom('GIF89a\u0000', '%PDF-1.4')), contentType: fc.constantFrom('application/octet-stream', 'image/png', 'text/plain', 'application/json') });
  if (['PUT', 'POST', 'PATCH'].includes(op.method)) return fc.oneof(bytes, jsonBody(undefined, keys));
  if (op.method === 'DELETE') return rarely(jsonBody(undefined, keys), undefined);
  return fc.constant(undefined);
}

/** One request and who sends it (the attacker most often: it can reach the most handlers). */
export interface FuzzCall { actor: FuzzActor; request: FuzzRequest }
const ACTOR_WEIGHTS: Record<ActorName, number> = { attacker: 3, viewer: 2, outsider: 1 };

export function callArbitrary(operations: FuzzOperation[], world: FuzzWorld, vocabulary: string[]): fc.Arbitrary<FuzzCall> {
  const keys = fc.constantFrom(...new Set([...vocabulary, ...FILTER_WORDS, ...world.columns, ...POLLUTION_KEYS]));
  const rest = operations.map((op) => fc.record({
    query: queryString(op.query),
    headers: fc.tuple(...op.headers.map((h) => rarely(headerValue, null).map((v) => [h.name, v] as const)))
      .map((pairs) => Object.fromEntries(pairs.filter((p): p is readonly [string, string] => p[1] !== null))),
    body: bodyOf(op, keys),
  }));
  return fc.oneof(...world.actors.map((actor) => {
    const segments = segmentArbitraries(world, actor);
    const requests = operations.map((op, i) => fc.record({
      segments: fc.tuple(...op.pathParams.map((name) => segments[name] ?? segment(oddSegment))).map((values) => Object.fromEntries(op.pathParams.map((name, j) => [name, values[j]!]))),
      rest: rest[i]!,
    }).map(({ segments, rest }): FuzzCall => ({ actor, request: { op, segments, ...rest, body: rest.body ?? undefined } })));
    return { weight: ACTOR_WEIGHTS[actor.name], arbitrary: fc.oneof(...requests) };
  }));
}

export const pathOf = (request: FuzzRequest): string =>
  request.op.path.replace(/\{(\w+)\}/g, (_, name: string) => request.segments[name]!.text) + request.query;

/** Whether the URL rules turn the path into another one (a dot segment is removed, an empty one matches a shorter route). */
export function rerouted(request: FuzzRequest): boolean {
  const path = request.op.path.replace(/\{(\w+)\}/g, (_, name: string) => request.segments[name]!.text);
  return Object.values(request.segments).some((s) => s.text === '') || /(^|\/)(\.|%2e){1,2}(\/|$)/i.test(path);
}

/**
 * Whether the actor may be answered 2xx, from the route's declared access: public routes
 * and routes outside any workspace (who am I, my tokens, lists that filter) yes; instance
 * owners' routes no; a workspace's route only when the actor's mask there holds every
 * scope the route declares; deleting a token only when it is the actor's own.
 */
export function may2xx(actor: FuzzActor, request: FuzzRequest): boolean {
  const access = request.op.route.access;
  if (!access || 'public' in access) return true;
  if (access.instanceOwner) return false;
  const param = access.workspace === undefined ? workspaceParamOf(request.op.route.url) : access.workspace;
  if (param) {
    const workspace = request.segments[param]?.workspace;
    if (!workspace) return false;
    const required = access.scopes.reduce((bits, s) => bits | scopeBit(s.object, s.action), 0);
    return ((actor.masks[workspace] ?? 0) & required) === required;
  }
  const token = request.segments.token_id;
  if (token) return token.tokenOf === actor.name;
  return true;
}

/** Requests that would end the actor's own run (revoking the token it fuzzes with) are not sent by it. */
export const selfHarm = (actor: FuzzActor, request: FuzzRequest): boolean =>
  request.op.method === 'DELETE' && request.segments.token_id?.tokenOf === actor.name;
