import { randomBytes } from 'node:crypto';
import { Xid } from 'xid-ts';

/** Generated record ids: `rec_` + a 20-character xid (time-sortable base32hex), as Xata makes them. */
export const newRecordId = (): string => `rec_${new Xid().toString()}`;
export const newMigrationId = (): string => `mig_${new Xid().toString()}`;
export const newAccountId = (): string => `acc_${new Xid().toString()}`;
export const newTokenId = (): string => `tok_${new Xid().toString()}`;
export const randomSecret = (bytes: number): string => randomBytes(bytes).toString('base64url');
