import type { Strata } from '../core/strata.js';
import { collectGarbage } from '../core/files/file-gc.js';
import { UsageError } from './access-commands.js';

/** `strata files gc [--grace-minutes N] [--dry-run true]`: removes blobs no record points to (core/files/file-gc.ts). */
export async function filesCommand(strata: Strata, command: string | undefined, flags: Record<string, string | boolean | undefined>, out: (line: string) => void): Promise<void> {
  if (command !== 'gc') throw new UsageError('usage: strata files gc [--grace-minutes N] [--dry-run true]');
  const grace = flags['grace-minutes'] === undefined ? 60 : Number(flags['grace-minutes']);
  if (!Number.isFinite(grace) || grace < 0) throw new UsageError('--grace-minutes must be a number ≥ 0');
  const result = await collectGarbage(strata, { graceMs: grace * 60_000, dryRun: flags['dry-run'] === 'true' });
  out(`scanned ${result.scanned} blobs, ${result.referenced} past the grace period referenced, ${flags['dry-run'] === 'true' ? 'would remove' : 'removed'} ${result.removed.length}`);
  for (const key of result.removed) out(key);
  out(`${result.libraryReferences} record values reference library files, ${result.missingLibraryFiles.length} of them a file that is gone`);
  for (const m of result.missingLibraryFiles) out(`missing library file ${m.fileId}: ${m.db}:${m.branch} ${m.table}/${m.record}`);
}
