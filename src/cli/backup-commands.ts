import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Strata } from '../core/strata.js';
import type { ArchiveScope } from '../core/archive/archive-format.js';
import { UsageError, type Flags } from './access-commands.js';
import { progressReport } from './cli-progress-report.js';

type Out = (line: string) => void;

/** A default file name that sorts by time: strata-2026-12-07T23-30-00Z.strata.gz. */
const defaultName = (now = new Date()) => `strata-${now.toISOString().replace(/\.\d{3}Z$/, 'Z').replaceAll(':', '-')}.strata.gz`;

/**
 * `strata backup [--out file|-] [--database name | --without-access]`: an archive from one snapshot while the
 * server runs. A file is written as `<file>.partial` and renamed once complete, so a file
 * under the final name is always a whole archive. Progress and the summary go to stderr.
 */
export async function backupCommand(strata: Strata, flags: Flags, _out: Out): Promise<void> {
  const target = typeof flags.out === 'string' ? flags.out : defaultName();
  const database = typeof flags.database === 'string' ? flags.database : undefined;
  if (database && flags['without-access'] === true) throw new UsageError('--without-access is for instance backups: a database backup holds no accounts, tokens or members anyway');
  const scope: ArchiveScope = database ? { kind: 'database', name: database, content: 'full' }
    : flags['without-access'] === true ? { kind: 'instance', withoutAccess: true } : { kind: 'instance' };
  const progress = progressReport('records');
  if (target === '-') {
    const trailer = await strata.archives.backup(scope, process.stdout, { progress: { start: progress.start, records: progress.update } });
    progress.stop();
    process.stderr.write(`strata: backup written to stdout: ${summary(trailer.counts)}\n`);
    return;
  }
  const partial = `${target}.partial`;
  const file = fs.createWriteStream(partial, { flags: 'wx' });
  try {
    const closed = new Promise<void>((resolve, reject) => { file.on('close', resolve); file.on('error', reject); });
    const trailer = await strata.archives.backup(scope, file, { progress: { start: progress.start, records: progress.update } });
    await closed;
    progress.stop();
    fs.renameSync(partial, target);
    process.stderr.write(`strata: backup written to ${target}: ${summary(trailer.counts)}, sha256 ${trailer.sha256}\n`);
  } catch (err) {
    progress.stop();
    file.destroy();
    fs.rmSync(partial, { force: true });
    throw err;
  }
}

/** `strata restore <file|-> [--force] [--database name]`: into an empty instance (or workspace) only, unless --force. */
export async function restoreCommand(strata: Strata, file: string | undefined, flags: Flags, _out: Out): Promise<void> {
  if (!file) throw new UsageError('usage: strata restore <file|-> [--force] [--database name]');
  let source = file;
  let spooled: string | undefined;
  if (file === '-') {
    // An archive is read twice (checked whole first): stdin goes to a temporary file.
    spooled = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'strata-restore-')), 'archive.strata.gz');
    await pipeline(process.stdin, fs.createWriteStream(spooled));
    source = spooled;
  } else if (!fs.existsSync(file)) {
    throw new UsageError(`no such file: ${file}`);
  }
  const progress = progressReport('lines');
  let started = false;
  try {
    const result = await strata.archives.restore(() => fs.createReadStream(source), {
      force: flags.force === true, into: typeof flags.database === 'string' ? flags.database : undefined,
      progress: (done, total) => { if (!started) { progress.start(total); started = true; } progress.update(done); },
    });
    progress.stop();
    const what = result.database ? `workspace ${result.database}` : 'the instance';
    process.stderr.write(`strata: restored ${what} from ${file} (a ${result.header.engine} archive of ${result.header.createdAt}): ${summary(result.trailer.counts)}; change streams start again from 0\n`);
  } finally {
    if (spooled) fs.rmSync(path.dirname(spooled), { recursive: true, force: true });
  }
}

const summary = (c: { tables: number; records: number; blobs: number; blobBytes: number; missingBlobs: number }) =>
  `${c.tables} tables, ${c.records} records, ${c.blobs} files (${c.blobBytes} bytes)${c.missingBlobs ? `, ${c.missingBlobs} files released while it ran (not included)` : ''}`;
