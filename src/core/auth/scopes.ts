import { badRequest } from '../../kernel/errors.js';

/**
 * Token scopes: Create/Read/Update/Delete over four objects, packed in 16 bits so that
 * the per-request check is one AND. The route table names the scope each route needs.
 */
export const SCOPE_OBJECTS = ['content', 'database', 'files', 'history'] as const;
export const SCOPE_ACTIONS = ['create', 'read', 'update', 'delete'] as const;
export type ScopeObject = (typeof SCOPE_OBJECTS)[number];
export type ScopeAction = (typeof SCOPE_ACTIONS)[number];
export interface Scope { object: ScopeObject; action: ScopeAction }

export const scopeBit = (object: ScopeObject, action: ScopeAction): number =>
  1 << (SCOPE_OBJECTS.indexOf(object) * 4 + SCOPE_ACTIONS.indexOf(action));

export const FULL_ACCESS = 0xffff;
export const READ_ONLY = SCOPE_OBJECTS.reduce((bits, o) => bits | scopeBit(o, 'read'), 0);

export function allows(scopes: number, scope: Scope): boolean {
  return (scopes & scopeBit(scope.object, scope.action)) !== 0;
}

const LETTERS: Record<string, ScopeAction> = { c: 'create', r: 'read', u: 'update', d: 'delete' };

/**
 * Parses the CLI/API form `content:crud,database:r` (objects not named get nothing), or
 * the presets `full` and `read-only`.
 */
export function parseScopes(text: string): number {
  const trimmed = text.trim();
  if (trimmed === 'full' || trimmed === '') return FULL_ACCESS;
  if (trimmed === 'read-only' || trimmed === 'readonly') return READ_ONLY;
  let bits = 0;
  for (const part of trimmed.split(',')) {
    const [object, letters = ''] = part.trim().split(':');
    if (!(SCOPE_OBJECTS as readonly string[]).includes(object!)) {
      throw badRequest(`unknown scope object [${object}]: use ${SCOPE_OBJECTS.join(', ')}`);
    }
    for (const letter of letters) {
      const action = LETTERS[letter];
      if (!action) throw badRequest(`unknown scope action [${letter}] for ${object}: use the letters c, r, u, d`);
      bits |= scopeBit(object as ScopeObject, action);
    }
  }
  return bits;
}

/** The inverse of parseScopes, for listings: `content:crud,database:r`. */
export function formatScopes(bits: number): string {
  return SCOPE_OBJECTS.map((object) => {
    const letters = SCOPE_ACTIONS.filter((a) => allows(bits, { object, action: a })).map((a) => a[0]).join('');
    return letters ? `${object}:${letters}` : '';
  }).filter(Boolean).join(',');
}
