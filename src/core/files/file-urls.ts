import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { StrataError } from '../../kernel/errors.js';
import type { SystemStore } from '../ports/storage.js';

/**
 * Access ids and signed URLs of `GET /file/{accessId}`.
 *
 * An access id names a file's place, not its bytes: database, branch, table, record, column
 * and file id, as base32hex (Xata's alphabet, `[a-v0-9]`) with a 128-bit HMAC, so it cannot be
 * forged or altered. Serving reads the record, so turning `enablePublicUrl` off, deleting the
 * file or replacing it takes effect at once. A signed URL adds `expires` (unix seconds) and
 * `verify`, an HMAC over the access id and the expiry: a private file is served only with one
 * that matches and has not expired. An upload URL is the same URL signed for the purpose
 * `upload` (a different HMAC input), so a download signature never accepts bytes and an upload
 * signature never serves them. A library file's access id names `[databaseId, fileId]`.
 */
export interface FilePlace { db: string; branch: string; table: string; record: string; column: string; fileId: string | null }
/** A file of a workspace's library (the Metadata API's `/workspace/{id}/file`): database id and file id. */
export interface LibraryPlace { library: number; file: number }
/** What a signature allows: reading the file (GET) or replacing its bytes (PUT to an upload URL). */
export type SignedPurpose = 'read' | 'upload';

const MAC_BYTES = 16;
const ALPHABET = '0123456789abcdefghijklmnopqrstuv';

export class FileUrls {
  private secret: Promise<FileSigner> | undefined;
  constructor(private readonly system: SystemStore) {}

  /** The signer over the instance secret, created once (atomically, so every node signs alike). */
  signer(): Promise<FileSigner> {
    this.secret ??= this.system.settingOrInit('fileUrlSecret', randomBytes(32).toString('base64url')).then((s) => new FileSigner(Buffer.from(String(s), 'base64url')));
    return this.secret;
  }
}

/** Access ids and signatures with the secret at hand: synchronous, so answers can be formatted record by record. */
export class FileSigner {
  constructor(private readonly secret: Buffer) {}

  accessId(place: FilePlace | LibraryPlace): string {
    const fields = 'library' in place ? [place.library, place.file] : [place.db, place.branch, place.table, place.record, place.column, place.fileId];
    const payload = Buffer.from(JSON.stringify(fields));
    return base32hex(Buffer.concat([this.mac(payload), payload]));
  }

  /** The place an access id names; 403 when it was not issued by this instance (or was altered). */
  place(accessId: string): FilePlace | LibraryPlace {
    const raw = /^[0-9a-v]{26,2000}$/.test(accessId) ? fromBase32hex(accessId) : undefined;
    if (!raw || raw.length <= MAC_BYTES) throw forbidden();
    const payload = raw.subarray(MAC_BYTES);
    if (!timingSafeEqual(raw.subarray(0, MAC_BYTES), this.mac(payload))) throw forbidden();
    const fields = JSON.parse(payload.toString()) as unknown[];
    if (fields.length === 2) return { library: fields[0] as number, file: fields[1] as number };
    const [db, branch, table, record, column, fileId] = fields as [string, string, string, string, string, string | null];
    return { db, branch, table, record, column, fileId };
  }

  /** `expires=…&verify=…` for an access id, valid `ttlSeconds` from `now`. */
  sign(accessId: string, ttlSeconds: number, now = Date.now(), purpose: SignedPurpose = 'read'): string {
    const expires = Math.floor(now / 1000) + ttlSeconds;
    return `expires=${expires}&verify=${this.signature(accessId, expires, purpose)}`;
  }

  /** Whether a signature is valid for the access id and purpose, and not expired. */
  verify(accessId: string, expires: unknown, verify: unknown, now = Date.now(), purpose: SignedPurpose = 'read'): boolean {
    if (typeof expires !== 'string' || !/^\d{1,12}$/.test(expires) || typeof verify !== 'string') return false;
    const expected = Buffer.from(this.signature(accessId, Number(expires), purpose));
    const given = Buffer.from(verify);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
    return Number(expires) * 1000 > now;
  }

  private mac(payload: Buffer): Buffer {
    return createHmac('sha256', this.secret).update(payload).digest().subarray(0, MAC_BYTES);
  }

  /** Read signatures keep their original input (URLs already handed out stay valid); uploads are prefixed. */
  private signature(accessId: string, expires: number, purpose: SignedPurpose): string {
    const input = purpose === 'upload' ? `upload\n${accessId}\n${expires}` : `${accessId}\n${expires}`;
    return createHmac('sha256', this.secret).update(input).digest().subarray(0, MAC_BYTES).toString('base64url');
  }
}

const forbidden = () => new StrataError('FORBIDDEN', 'invalid or expired file URL');

function base32hex(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) { out += ALPHABET[(value >>> (bits - 5)) & 31]; bits -= 5; }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

function fromBase32hex(text: string): Buffer {
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of text) {
    value = (value << 5) | ALPHABET.indexOf(ch);
    bits += 5;
    if (bits >= 8) { out.push((value >>> (bits - 8)) & 255); bits -= 8; }
    value &= (1 << bits) - 1;
  }
  return Buffer.from(out);
}
