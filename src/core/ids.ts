import { randomBytes } from 'node:crypto';
import { Xid } from 'xid-ts';

/** Generated record ids: `rec_` + a 20-character xid (time-sortable base32hex), as Xata makes them. */
export const newRecordId = (): string => `rec_${new Xid().toString()}`;
export const newMigrationId = (): string => `mig_${new Xid().toString()}`;
export const newAccountId = (): string => `acc_${new Xid().toString()}`;
export const newTokenId = (): string => `tok_${new Xid().toString()}`;
export const randomSecret = (bytes: number): string => randomBytes(bytes).toString('base64url');

// The one spelling of a numeric id: decimal digits, no sign, space, leading zero, exponent or
// fraction. `Number()` also reads `0x5`, `5e0`, `+5`, ` 5` and `05` as 5; accepting those
// would let two texts name one object, and a check made on one text pass for another.
const CANONICAL_ID = /^[1-9][0-9]{0,15}$/;

/** A numeric id (workspace, table, file, integer record id) from its text, or undefined for any other spelling. */
export function canonicalId(text: string): number | undefined {
  if (!CANONICAL_ID.test(text)) return undefined;
  const id = Number(text);
  return id <= Number.MAX_SAFE_INTEGER ? id : undefined;
}
