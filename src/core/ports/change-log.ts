/** A committed record write as the branch's change log holds it (storage/change-log-sql.ts), numbered by `seq`. */
export type ChangeOp = 'insert' | 'update' | 'delete';
export interface ChangeInput { at: number; table: string; recordId: string; op: ChangeOp; version: number | null; record: string | null }
export interface ChangeRow extends ChangeInput { seq: number }
