import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { StrataError } from '../errors.js';
import type { SystemStore } from '../../storage/storage.js';

/**
 * Access ids and signed URLs of `GET /file/{accessId}`.
 *
 * An access id names a file's place, not its bytes: database, branch, table, record, column
 * and file id, as base32hex (Xata's alphabet, `[a-v0-9]`) with a 128-bit HMAC, so it cannot be
 * forged or altered. Serving reads the record, so turning `enablePublicUrl` off, deleting the
 * file or replacing it takes effect at once. A signed URL adds `expires` (unix seconds) and
 * `verify`, an HMAC over the access id and the expiry: a private file is served only with one
 * that matches and has not expired.
 */
export interface FilePlace { db: string; branch: string; table: string; record: string; column: string; fileId: string | null }

const MAC_BYTES = 16;
const ALPHABET = '0123456789abcdefghijklmnopqrstuv';

export class FileUrls {
  private secret: Promise<Buffer> | undefined;
  constructor(private readonly system: SystemStore) {}

  /** The instance secret, created once (atomically, so every node signs alike). */
  private key(): Promise<Buffer> {
    this.secret ??= this.system.settingOrInit('fileUrlSecret', randomBytes(32).toString('base64url')).then((s) => Buffer.from(String(s), 'base64url'));
    return this.secret;
  }

  async accessId(place: FilePlace): Promise<string> {
    const payload = Buffer.from(JSON.stringify([place.db, place.branch, place.table, place.record, place.column, place.fileId]));
    const mac = createHmac('sha256', await this.key()).update(payload).digest().subarray(0, MAC_BYTES);
    return base32hex(Buffer.concat([mac, payload]));
  }

  /** The place an access id names; 403 when it was not issued by this instance (or was altered). */
  async place(accessId: string): Promise<FilePlace> {
    const raw = /^[0-9a-v]{26,2000}$/.test(accessId) ? fromBase32hex(accessId) : undefined;
    if (!raw || raw.length <= MAC_BYTES) throw forbidden();
    const mac = raw.subarray(0, MAC_BYTES);
    const payload = raw.subarray(MAC_BYTES);
    const expected = createHmac('sha256', await this.key()).update(payload).digest().subarray(0, MAC_BYTES);
    if (!timingSafeEqual(mac, expected)) throw forbidden();
    const [db, branch, table, record, column, fileId] = JSON.parse(payload.toString()) as [string, string, string, string, string, string | null];
    return { db, branch, table, record, column, fileId };
  }

  /** `?expires=…&verify=…` for an access id, valid `ttlSeconds` from `now`. */
  async sign(accessId: string, ttlSeconds: number, now = Date.now()): Promise<string> {
    const expires = Math.floor(now / 1000) + ttlSeconds;
    return `expires=${expires}&verify=${await this.signature(accessId, expires)}`;
  }

  /** Whether a signature is valid for the access id and not expired. */
  async verify(accessId: string, expires: unknown, verify: unknown, now = Date.now()): Promise<boolean> {
    if (typeof expires !== 'string' || !/^\d{1,12}$/.test(expires) || typeof verify !== 'string') return false;
    const expected = Buffer.from(await this.signature(accessId, Number(expires)));
    const given = Buffer.from(verify);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
    return Number(expires) * 1000 > now;
  }

  private async signature(accessId: string, expires: number): Promise<string> {
    return createHmac('sha256', await this.key()).update(`${accessId}\n${expires}`).digest().subarray(0, MAC_BYTES).toString('base64url');
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
