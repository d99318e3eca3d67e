/**
 * A XanoScript table definition as the parser reads it and the printer writes it: the
 * table's metadata, its fields and its indexes. Fields are Xano column descriptors in
 * XanoScript's terms (a reference names its table; defaults are the descriptor's text).
 * descriptors.ts translates them to and from the descriptors `…/schema` speaks.
 */
export interface Position { line: number; column: number }

/** An index as XanoScript writes it: `{type: "btree|unique", field: [{name: "email", op: "asc"}]}`. */
export type XsIndex = Record<string, XsPlain>;
export type XsPlain = string | number | boolean | null | XsPlain[] | { [key: string]: XsPlain };

export interface XsField {
  name: string;
  /** A Xano type name (`int`, `text`, …); a reference is `int`/`uuid` with `table`. */
  type: string;
  style: 'single' | 'list';
  /** `text? name`: an explicit null is accepted. */
  nullable: boolean;
  /** `text name` (no `?` after the name): a new record needs a value. */
  required: boolean;
  /** The descriptor's default as text; `''` when there is none. */
  default: string;
  description: string;
  sensitive: boolean;
  access: 'public' | 'private' | 'internal';
  /** `filters=trim|min:1`: the type's filters besides trim and lower. */
  filters?: Record<string, XsPlain>;
  /** trim and lower on text and email (the 2026 descriptor's `validators`). */
  validators?: Record<string, boolean>;
  values?: string[];
  vectorSize?: number;
  format?: string;
  /** The referenced table's name (`table = "user"`). */
  table?: string;
  children?: XsField[];
  at?: Position;
}

export interface XsTable {
  name: string;
  description: string;
  auth: boolean;
  guid?: string;
  tags: string[];
  schema: XsField[];
  index: XsIndex[];
}
