import { expect, it } from 'vitest';
import type { RecordStamps } from '../../src/core/ports/storage.js';
import { completeStamps, readStamp, readStampObject, stampField } from '../../src/core/transfer/record-stamps.js';
import { RowFault } from '../../src/core/transfer/row-fault.js';

const at = Date.UTC(2023, 4, 1, 10);

it('reads Xata version and timestamps in every spelling exports use, and names the field of a bad one', () => {
  expect(['xata.createdAt', 'XATA_UPDATEDAT', 'xata_version', 'xata.table', 'xata_id'].map(stampField)).toEqual(['createdAt', 'updatedAt', 'version', undefined, undefined]);
  const stamps: RecordStamps = {};
  readStamp(stamps, 'createdAt', 'c', at); // JSON epoch ms
  readStamp(stamps, 'updatedAt', 'u', '2023-05-01 12:00:00+0200'); // a spreadsheet's spelling
  readStamp(stamps, 'version', 'v', ' 7 ');
  expect(stamps).toEqual({ createdAt: at, updatedAt: at, version: 7 });
  const fromText: RecordStamps = {};
  readStamp(fromText, 'createdAt', 'c', String(at)); // CSV epoch ms
  readStampObject(fromText, 'xata', '{"version":0,"updatedAt":"2023-05-01T10:00:00Z","table":"t"}');
  expect(fromText).toEqual({ createdAt: at, updatedAt: at, version: 0 });

  const fault = (fn: () => void) => { try { fn(); } catch (err) { return err instanceof RowFault ? [err.column, err.message] : err; } return undefined; };
  expect(fault(() => readStamp({}, 'version', 'xata.version', -1))).toEqual(['xata.version', 'invalid value, expected a non-negative integer version']);
  expect(fault(() => readStamp({}, 'version', 'xata.version', 1.5))).toEqual(['xata.version', 'invalid value, expected a non-negative integer version']);
  expect(fault(() => readStamp({}, 'createdAt', 'xata_createdat', '2023-02-30T00:00:00Z'))).toEqual(['xata_createdat', 'invalid value, expected an RFC 3339 date-time or epoch milliseconds']);
  expect(fault(() => readStamp({}, 'updatedAt', 'u', true))).toEqual(['u', 'invalid value, expected an RFC 3339 date-time or epoch milliseconds']);
  expect(fault(() => readStampObject({}, 'xata', { createdAt: 'soon' }))).toEqual(['xata.createdAt', 'invalid value, expected an RFC 3339 date-time or epoch milliseconds']);
  expect(fault(() => readStampObject({}, 'xata', [1]))).toEqual(['xata', 'invalid value, expected an object of version, createdAt and updatedAt']);

  expect(completeStamps({})).toBeUndefined();
  expect(completeStamps({ updatedAt: at })).toEqual({ createdAt: at, updatedAt: at });
});
