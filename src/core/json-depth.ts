/**
 * Nesting depth of JSON, bounded without recursion: deep values overflow the stack of every
 * recursive walk after parsing (JSON.stringify, validation, redaction, filter parsers).
 */

/**
 * What JSON text cannot be taken as (one pass, no recursion): nested deeper than `limit`, or
 * holding a NUL character (`\u0000` escaped in a string; PostgreSQL stores NUL in no text).
 * A raw NUL is already invalid JSON. `\\u0000` is a backslash followed by text, not a NUL.
 */
export function jsonTextFault(text: string, limit: number): 'nesting' | 'nul' | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // A string: skip to its closing quote (a backslash escapes the next character).
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) {
          if (text.startsWith('u0000', i + 1)) return 'nul';
          i++;
        } else if (d === 0x22) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return 'nesting';
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return undefined;
}

/**
 * What a parsed value (a json column's) cannot be stored as: nested deeper than `limit`
 * (stored as JSON text, which stringifying recurses over) or holding a NUL character in a
 * string or key (PostgreSQL's jsonb refuses \u0000). One walk with an explicit stack.
 */
export function jsonValueFault(value: unknown, limit: number): 'nesting' | 'nul' | undefined {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return 'nul';
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (depth + 1 > limit) return 'nesting';
    if (Array.isArray(v)) {
      for (const child of v) stack.push([child, depth + 1]);
      continue;
    }
    for (const [key, child] of Object.entries(v)) {
      if (key.includes('\u0000')) return 'nul';
      stack.push([child, depth + 1]);
    }
  }
  return undefined;
}
