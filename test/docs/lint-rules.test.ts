import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';

/**
 * The lint rules that hold the layers must really fire: a misconfigured resolver or parser
 * makes `no-cycle` and `no-restricted-paths` see no imports and pass everything silently.
 * Each probe is linted as if it were a file at that path, next to the real sources.
 */
const eslint = new ESLint({ cwd: process.cwd() });
const rulesHit = async (filePath: string, code: string) =>
  (await eslint.lintText(code, { filePath }))[0]!.messages.map((m) => m.ruleId);

describe('lint rules', () => {
  it('refuses an import against the layers (core importing an engine)', async () => {
    const rules = await rulesHit('src/core/layer-probe.ts', "import { openStorage } from '../storage/open-storage.js';\nexport const probe = openStorage;\n");
    expect(rules).toContain('import-x/no-restricted-paths');
  });

  it('refuses an import from storage into a face, and from core into the kernel', async () => {
    expect(await rulesHit('src/http/layer-probe.ts', "import { openStorage } from '../storage/open-storage.js';\nexport const probe = openStorage;\n"))
      .toContain('import-x/no-restricted-paths');
    expect(await rulesHit('src/kernel/layer-probe.ts', "import { Strata } from '../core/strata.js';\nexport const probe = Strata;\n"))
      .toContain('import-x/no-restricted-paths');
  });

  it('refuses a runtime import cycle (config-values.ts importing config.ts, which imports it)', async () => {
    const rules = await rulesHit('src/config-values.ts', "import { loadConfig } from './config.js';\nexport const probe = loadConfig;\n");
    expect(rules).toContain('import-x/no-cycle');
  });

  it('accepts what the layers allow (storage implementing a core port with the kernel)', async () => {
    const rules = await rulesHit('src/storage/layer-probe.ts',
      "import type { Storage } from '../core/ports/storage.js';\nimport { StrataError } from '../kernel/errors.js';\nexport type Probe = Storage;\nexport const probe = StrataError;\n");
    expect(rules).toEqual([]);
  });
});
