import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';

/**
 * The README's curl walk-through is a contract: its ```bash blocks run here, in order,
 * exactly as written, and each `# {…}` comment is the output they must print ("…" = anything).
 */
const README = fs.readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
const between = (from: string, to: string) => README.slice(README.indexOf(from), README.indexOf(to));
// The data API walk-through, then the Metadata API's (it builds on the first: workspace ids).
const sections = [between('## Walk-through with curl', '## Moving from Xata'), between('## Metadata API', '## The API at a glance')];
const run = promisify(execFile);
const blocks = sections.flatMap((section) => [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]!));

function expectation(block: string): RegExp | undefined {
  const comment = block.split('\n').find((line) => line.startsWith('# {'));
  if (!comment) return undefined;
  const pattern = comment.slice(2).split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*?');
  return new RegExp(pattern);
}

describe('README walk-through', () => {
  let s: RunningStrata;
  beforeAll(async () => { s = await startStrata(sqliteEngine); });
  afterAll(async () => { await s?.close(); });

  it('has the blocks it promises', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(20);
  });

  it('runs every command as written, with the documented output', async () => {
    for (const block of blocks) {
      const { stdout: output } = await run('bash', ['-euo', 'pipefail', '-c', block], {
        encoding: 'utf8', timeout: 20_000, env: { ...process.env, STRATA: s.url, TOKEN: s.token },
      });
      const expected = expectation(block);
      if (expected) expect(output, `block:\n${block}`).toMatch(expected);
      else expect(output, `block:\n${block}`).not.toMatch(/"message"/);
    }
  });
});

describe('README links to the console screenshots', () => {
  const shots = [...README.matchAll(/\]\((docs\/console\/[a-z-]+\.png)\)/g)].map((m) => m[1]!);

  it('links each screenshot, and each exists in docs/console/', () => {
    expect(shots.length).toBeGreaterThanOrEqual(10);
    for (const shot of shots) expect(fs.existsSync(path.resolve(import.meta.dirname, '../..', shot)), shot).toBe(true);
  });
});
