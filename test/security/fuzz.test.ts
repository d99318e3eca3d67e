import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { fetchDocuments, operationsOf, vocabularyOf, type FuzzOperation } from '../support/fuzz-openapi.js';
import { buildWorld, snapshot, type FuzzWorld } from '../support/fuzz-world.js';
import { callArbitrary, may2xx, rerouted, selfHarm, type FuzzCall } from '../support/fuzz-requests.js';
import { healthy, send } from '../support/fuzz-client.js';
import { FuzzReport } from '../support/fuzz-report.js';
import { ErrorLog } from '../support/fuzz-log.js';

/**
 * The security fuzz test: requests derived from both OpenAPI documents, with bounded random
 * bad input (malformed JSON, wrong types, huge and non-finite numbers, deep nesting, odd
 * identifiers and id spellings, unicode and NUL, prototype-pollution keys), sent by an
 * outsider, a viewer and the admin of a workspace named like the victim's id. No answer may
 * be a 5xx or a stack trace, no 2xx may go beyond the caller's declared rights, nothing but
 * the attacker's own workspace may change, the server stays healthy and Object.prototype
 * clean. Violations are collected and reported together, deduplicated by route and status.
 *
 * FUZZ_SEED (default below) and FUZZ_RUNS (requests per engine, each by one of the actors)
 * reproduce or lengthen a run: `FUZZ_RUNS=20000 npx vitest run test/security/fuzz.test.ts`.
 */
const DEFAULT_SEED = 13;
const DEFAULT_RUNS = 4_000;
const HEALTH_EVERY = 100;

function envInteger(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min}, got [${raw}]`);
  return value;
}
const SEED = envInteger('FUZZ_SEED', DEFAULT_SEED, -(2 ** 31));
const RUNS = envInteger('FUZZ_RUNS', DEFAULT_RUNS, 1);
/** The prototypes' own properties before any request: what pollution would add to. */
const PRISTINE = {
  Object: new Set(Object.getOwnPropertyNames(Object.prototype)),
  Array: new Set(Object.getOwnPropertyNames(Array.prototype)),
};
const STACK_TRACE = /\bat [^\s]+ \(?[^\s]*\.(?:ts|js):\d+/;

describeEachEngine('security fuzz over both OpenAPI documents', (engine) => {
  let s: RunningStrata;
  let world: FuzzWorld;
  let operations: FuzzOperation[];
  let vocabulary: string[];
  const errors = new ErrorLog();

  beforeAll(async () => {
    s = await startStrata(engine, { logLevel: 'error', logStream: errors.stream });
    world = await buildWorld(s);
    const documents = await fetchDocuments(s.url);
    operations = operationsOf(documents, s.app);
    vocabulary = vocabularyOf(documents);
  });
  afterAll(async () => { await s?.close(); });

  it('derives its operations from both documents', () => {
    const labels = operations.map((op) => `${op.method} ${op.path}`);
    for (const expected of ['POST /db/{dbBranch}/tables/{table}/query', 'PUT /api:meta/workspace/{workspace_id}/table/{table_id}/schema', 'GET /api:meta/auth/me']) {
      expect(labels).toContain(expected);
    }
  });

  it(`answers bad input from every actor with a 4xx in the caller's rights, keeps the data and stays healthy (seed ${SEED}, ${RUNS} runs)`, async () => {
    const report = new FuzzReport();
    const before = await snapshot(s, world);
    let runs = 0;

    const judge = async ({ actor, request }: FuzzCall) => {
      if (selfHarm(actor, request)) return;
      errors.take();
      const answer = await send(s.url, actor.token, request);
      if ('error' in answer) {
        report.add('no answer', actor.name, request, `${answer.error} after ${answer.ms} ms`);
      } else {
        const summary = `${answer.status} ${answer.text}`;
        if (answer.status >= 500) report.add('5xx', actor.name, request, `${summary}\n    logged: ${errors.take()}`);
        // A path that the URL rules rewrite (`..`, an empty segment) is another route's: only its status is judged.
        else if (answer.status < 300 && answer.status >= 200 && !rerouted(request) && !may2xx(actor, request)) report.add(`beyond the rights of ${actor.name}`, actor.name, request, summary);
        if (STACK_TRACE.test(answer.text)) report.add('stack trace', actor.name, request, summary);
      }
      if (++runs % HEALTH_EVERY === 0) {
        const problem = await healthy(s.url);
        if (problem) report.note('unhealthy', `after run ${runs}`, problem);
      }
    };
    await fc.assert(fc.asyncProperty(callArbitrary(operations, world, vocabulary), judge), { seed: SEED, numRuns: RUNS });

    const problem = await healthy(s.url);
    if (problem) report.note('unhealthy', 'after the run', problem);
    const after = await snapshot(s, world);
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
        report.note('data changed', key, `before ${JSON.stringify(before[key]).slice(0, 400)}\n    after  ${JSON.stringify(after[key]).slice(0, 400)}`);
      }
    }
    // The server runs in this process: a polluted prototype would show here.
    for (const [name, proto] of [['Object', Object.prototype], ['Array', Array.prototype]] as const) {
      const own = Object.getOwnPropertyNames(proto).filter((key) => !PRISTINE[name].has(key));
      if (own.length || ({} as Record<string, unknown>).polluted !== undefined) report.note('prototype polluted', `${name}.prototype`, `gained ${own.join(', ') || 'polluted'}`);
    }

    expect(report.text(`[${engine.name}] ${report.size} kinds of violation (FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS} reproduces this run):`)).toBe('');
  }, Math.max(150_000, RUNS * 1_000));
});
