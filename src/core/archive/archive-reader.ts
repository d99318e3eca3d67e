import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { StrataError } from '../../kernel/errors.js';
import { ARCHIVED_SYSTEM_TABLES } from '../ports/archive-store.js';
import { ARCHIVE_FORMAT, ARCHIVE_VERSION, type ArchiveLine, type BodyLine, type HeaderLine, type TrailerLine } from './archive-format.js';
import { assertBranchName } from '../names.js';
import { DEFAULT_BRANCH } from '../xano-branches.js';

const refused = (why: string) => new StrataError('BAD_REQUEST', `not a valid Strata archive: ${why}`, { param: 'file' });
const BODY_TYPES = new Set(['system', 'schema', 'migration', 'records', 'blob', 'blob-part', 'blob-end']);

/**
 * Reads an archive line by line, hashing as it goes. Body lines are handed out as they come,
 * so a caller that writes must read the whole archive once first (`verifyArchive`): only the
 * trailer proves that nothing was cut or altered.
 */
export async function* readArchive(input: Readable): AsyncGenerator<ArchiveLine> {
  const gunzip = createGunzip();
  let failure: Error | undefined;
  input.pipe(gunzip);
  const lines = createInterface({ input: gunzip, crlfDelay: Infinity });
  // A failed read or a damaged stream ends the lines; the failure is reported after them.
  const fail = (err: Error) => { failure ??= err; lines.close(); };
  input.on('error', fail);
  gunzip.on('error', fail);
  const hash = createHash('sha256');
  let count = 0;
  let trailer: TrailerLine | undefined;
  try {
    for await (const text of lines) {
      if (trailer) throw refused('lines follow the trailer');
      let line: ArchiveLine;
      try { line = JSON.parse(text) as ArchiveLine; } catch { throw refused(`line ${count + 1} is not JSON`); }
      if (typeof line !== 'object' || line === null) throw refused(`line ${count + 1} is not an object`);
      if (count === 0) checkHeader(line);
      else if (line.t === 'trailer') {
        const digest = hash.digest('hex');
        if (line.lines !== count || line.sha256 !== digest) throw refused('its checksum does not match its content (the file was altered or damaged)');
        trailer = line;
      } else if (!BODY_TYPES.has(line.t)) throw refused(`line ${count + 1} has an unknown type ${JSON.stringify(line.t)}`);
      else if (line.t === 'system' && !(ARCHIVED_SYSTEM_TABLES as readonly string[]).includes(line.table)) throw refused(`line ${count + 1} names no instance table an archive carries`);
      if (!trailer) { hash.update(`${text}\n`); count++; }
      yield line;
    }
  } catch (err) {
    if (failure) throw gzipFailure(failure);
    throw err;
  }
  if (failure) throw gzipFailure(failure);
  if (count === 0) throw refused('it is empty');
  if (!trailer) throw refused('it is truncated (no trailer)');
}

function gzipFailure(err: Error): StrataError {
  const code = (err as { code?: string }).code;
  if (code === 'Z_BUF_ERROR' || /unexpected end/i.test(err.message)) return refused('it is truncated');
  if (code?.startsWith('Z_')) return refused(`it is not gzip data (${err.message})`);
  return err instanceof StrataError ? err : refused(err.message);
}

function checkHeader(line: ArchiveLine): asserts line is HeaderLine {
  if (line.t !== 'header' || (line as HeaderLine).format !== ARCHIVE_FORMAT) throw refused('its first line is not a strata-archive header');
  if ((line as HeaderLine).version !== ARCHIVE_VERSION) throw refused(`version ${(line as HeaderLine).version} is not supported (this Strata reads version ${ARCHIVE_VERSION})`);
  if ((line as HeaderLine).xanoBranches !== undefined) checkXanoBranches((line as HeaderLine).xanoBranches);
}

/** The header's Xano branches, checked as the branch routes check theirs: an archive is a file anyone with import rights can write. */
function checkXanoBranches(value: unknown): void {
  const bad = () => refused('its header\'s xanoBranches are malformed');
  const isText = (v: unknown): v is string => typeof v === 'string' && v.length <= 1000;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad();
  const { live, branches, dataSourceColors } = value as { live?: unknown; branches?: unknown; dataSourceColors?: unknown };
  if (live !== undefined && !isText(live)) throw bad();
  if (dataSourceColors !== undefined) {
    if (typeof dataSourceColors !== 'object' || dataSourceColors === null || Array.isArray(dataSourceColors)) throw bad();
    for (const color of Object.values(dataSourceColors)) if (!isText(color)) throw bad();
  }
  if (typeof branches !== 'object' || branches === null || Array.isArray(branches)) throw bad();
  for (const [label, entry] of Object.entries(branches)) {
    // v1 is the default branch, never an entry of its own.
    if (label === DEFAULT_BRANCH) throw bad();
    try { assertBranchName(label); } catch { throw bad(); }
    if (typeof entry !== 'object' || entry === null) throw bad();
    const e = entry as Record<string, unknown>;
    if (!isText(e.branch) || !isText(e.description) || !isText(e.color) || !isText(e.createdAt)) throw bad();
  }
}

/** Reads the whole archive once: its header and trailer when complete and intact, a 400 StrataError otherwise. */
export async function verifyArchive(open: () => Readable, check?: (line: BodyLine) => void): Promise<{ header: HeaderLine; trailer: TrailerLine }> {
  let header: HeaderLine | undefined;
  let trailer: TrailerLine | undefined;
  for await (const line of readArchive(open())) {
    if (line.t === 'header') header = line;
    else if (line.t === 'trailer') trailer = line;
    else check?.(line);
  }
  return { header: header!, trailer: trailer! };
}

export const isBodyLine = (line: ArchiveLine): line is BodyLine => line.t !== 'header' && line.t !== 'trailer';
