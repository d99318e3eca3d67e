/** A record that cannot be imported, and why: the column when one is to blame. */
export class RowFault extends Error {
  constructor(readonly column: string | null, reason: string) { super(reason); }
}
