import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { badRequest } from '../../kernel/errors.js';

/**
 * Query cursors: self-contained (the query they continue, and the sort keys of the page's
 * first and last rows, so any node can serve the next page without state) and
 * tamper-evident (HMAC-SHA256 with an instance secret, truncated to 128 bits). The
 * payload is readable base64url JSON; nothing in it is secret, only unforgeable.
 */
export interface CursorPayload {
  /** Branch id and table name: a cursor only continues the query it came from. */
  b: number;
  t: string;
  /** The query: filter, sort and page size as sent on the first page. */
  q: { filter?: unknown; sort?: unknown; size: number };
  /** Sort-key values (then the id) of the page's first and last rows; null on an empty page. */
  first: unknown[] | null;
  last: unknown[] | null;
  /** For random order (no keyset): the offset of the page. */
  o?: number;
}

const MAC_BYTES = 16;

export class CursorCodec {
  constructor(private readonly secret: Buffer) {}

  static newSecret(): string {
    return randomBytes(32).toString('base64url');
  }

  encode(payload: CursorPayload): string {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.mac(body).toString('base64url')}`;
  }

  decode(cursor: string, branchId: number, table: string): CursorPayload {
    const dot = cursor.lastIndexOf('.');
    const body = cursor.slice(0, dot);
    const mac = Buffer.from(cursor.slice(dot + 1), 'base64url');
    if (dot < 0 || mac.length !== MAC_BYTES || !timingSafeEqual(mac, this.mac(body))) throw badRequest('invalid cursor');
    let payload: CursorPayload;
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString());
    } catch {
      throw badRequest('invalid cursor');
    }
    if (payload.b !== branchId || payload.t !== table) throw badRequest('the cursor belongs to another table');
    return payload;
  }

  private mac(body: string): Buffer {
    return createHmac('sha256', this.secret).update(body).digest().subarray(0, MAC_BYTES);
  }
}
