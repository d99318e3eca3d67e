import { StrataError } from '../../kernel/errors.js';

/**
 * The file name a binary upload gives in its `Content-Disposition` request header (a Strata
 * extension: Xata's PUT cannot name the file). RFC 6266: `attachment; filename="a.txt"`, and
 * RFC 5987's `filename*=UTF-8''caf%C3%A9.txt`, which wins when both are given. Answers
 * undefined when there is no header or it names no file; a header that does not parse is a 400
 * (a client that sent one meant it). The core sanitises the name like any other.
 */
export function uploadFileName(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (Array.isArray(header)) throw malformed('sent more than once');
  const params = parseDisposition(header);
  const extended = params.get('filename*');
  if (extended !== undefined) return decodeExtValue(extended);
  const plain = params.get('filename');
  return plain === undefined ? undefined : utf8OrLatin1(plain);
}

const malformed = (why: string) => new StrataError('BAD_REQUEST', `invalid Content-Disposition header: ${why}; expected attachment; filename="…" or filename*=UTF-8''…`);

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;

/** The disposition type, then `; name=value` pairs (value a token or a quoted string); names lower-cased, each once. */
function parseDisposition(header: string): Map<string, string> {
  let rest = header.trim();
  const type = TOKEN.exec(rest);
  if (!type) throw malformed('no disposition type');
  rest = rest.slice(type[0].length);
  const params = new Map<string, string>();
  for (let guard = 0; rest.trim() !== ''; guard++) {
    if (guard > 32) throw malformed('too many parameters');
    const pair = /^\s*;\s*([!#$%&'*+\-.^_`|~0-9A-Za-z]+)\s*=\s*/.exec(rest);
    if (!pair) throw malformed('expected ; name=value');
    rest = rest.slice(pair[0].length);
    const name = pair[1]!.toLowerCase();
    let value: string;
    if (rest.startsWith('"')) {
      const quoted = /^"((?:[^"\\\x00-\x08\x0a-\x1f\x7f]|\\[^\x00-\x08\x0a-\x1f\x7f])*)"/.exec(rest);
      if (!quoted) throw malformed(`unterminated quoted ${name}`);
      value = quoted[1]!.replace(/\\(.)/g, '$1');
      rest = rest.slice(quoted[0].length);
    } else {
      const token = TOKEN.exec(rest);
      if (!token) throw malformed(`no value for ${name}`);
      value = token[0];
      rest = rest.slice(token[0].length);
    }
    if (params.has(name)) throw malformed(`${name} given twice`);
    params.set(name, value);
  }
  return params;
}

/** RFC 5987 `charset'language'pct-encoded`, UTF-8 or ISO-8859-1. */
function decodeExtValue(value: string): string {
  const m = /^(utf-8|iso-8859-1)'[A-Za-z0-9-]*'((?:%[0-9A-Fa-f]{2}|[A-Za-z0-9!#$&+.^_`|~-])*)$/i.exec(value);
  if (!m) throw malformed(`filename* must be UTF-8''<percent-encoded name>`);
  const bytes = Buffer.from(m[2]!.replace(/%([0-9A-Fa-f]{2})|([^%])/g, (_, hex: string | undefined, c: string | undefined) => hex ? String.fromCharCode(parseInt(hex, 16)) : c!), 'latin1');
  if (m[1]!.toLowerCase() === 'iso-8859-1') return bytes.toString('latin1');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw malformed('filename* is not valid UTF-8');
  }
}

/** Header values arrive as latin1: a raw UTF-8 name (curl sends them) is read as UTF-8 when it is valid UTF-8. */
function utf8OrLatin1(value: string): string {
  if (!/[^\x00-\x7f]/.test(value)) return value;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(value, 'latin1'));
  } catch {
    return value;
  }
}
