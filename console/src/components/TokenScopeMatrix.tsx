/**
 * Token scopes as a checkbox grid: Create/Read/Update/Delete × Content/Database/Files/Request
 * History, plus the two presets. The value is the API's text form (`content:r,files:cr`).
 */
export const SCOPE_OBJECTS = [
  { key: 'content', label: 'Content' }, { key: 'database', label: 'Database' },
  { key: 'files', label: 'Files' }, { key: 'history', label: 'Request History' },
] as const;
export const SCOPE_ACTIONS = [
  { key: 'create', letter: 'c', label: 'Create' }, { key: 'read', letter: 'r', label: 'Read' },
  { key: 'update', letter: 'u', label: 'Update' }, { key: 'delete', letter: 'd', label: 'Delete' },
] as const;

/** `object:action` pairs that are checked. */
export type ScopeSet = ReadonlySet<string>;

export const FULL_SCOPES: ScopeSet = new Set(SCOPE_OBJECTS.flatMap((o) => SCOPE_ACTIONS.map((a) => `${o.key}:${a.key}`)));
export const READ_ONLY_SCOPES: ScopeSet = new Set(SCOPE_OBJECTS.map((o) => `${o.key}:read`));

/** The API's text form; an empty set is the empty string (the caller refuses it). */
export function formatScopeSet(scopes: ScopeSet): string {
  return SCOPE_OBJECTS.map((o) => {
    const letters = SCOPE_ACTIONS.filter((a) => scopes.has(`${o.key}:${a.key}`)).map((a) => a.letter).join('');
    return letters ? `${o.key}:${letters}` : '';
  }).filter(Boolean).join(',');
}

/** `content:crud,database:r` → the set (what the API answers for a token or a member). */
export function parseScopeText(text: string | null | undefined): Set<string> {
  const out = new Set<string>();
  for (const part of (text ?? '').split(',')) {
    const [object, letters = ''] = part.trim().split(':');
    for (const action of SCOPE_ACTIONS) if (letters.includes(action.letter)) out.add(`${object}:${action.key}`);
  }
  return out;
}

/** A readable summary for tables: "Full access", "Read-only", or the text form. */
export function describeScopes(text: string): string {
  const set = parseScopeText(text);
  if (set.size === FULL_SCOPES.size) return 'Full access';
  if (set.size === READ_ONLY_SCOPES.size && [...READ_ONLY_SCOPES].every((s) => set.has(s))) return 'Read-only';
  return text || 'None';
}

export function TokenScopeMatrix({ value, onChange, legend = 'Scopes' }: { value: ScopeSet; onChange: (next: ScopeSet) => void; legend?: string }) {
  const toggle = (scope: string) => {
    const next = new Set(value);
    if (next.has(scope)) next.delete(scope); else next.add(scope);
    onChange(next);
  };
  return (
    <fieldset className="scope-matrix">
      <legend>{legend}</legend>
      <div className="toolbar">
        <button type="button" onClick={() => onChange(FULL_SCOPES)}>Full access</button>
        <button type="button" onClick={() => onChange(READ_ONLY_SCOPES)}>Read-only</button>
        <button type="button" onClick={() => onChange(new Set())}>Clear</button>
      </div>
      <table>
        <thead>
          <tr><th scope="col"><span className="sr-only">Object</span></th>{SCOPE_ACTIONS.map((a) => <th key={a.key} scope="col">{a.label}</th>)}</tr>
        </thead>
        <tbody>
          {SCOPE_OBJECTS.map((o) => (
            <tr key={o.key}>
              <th scope="row">{o.label}</th>
              {SCOPE_ACTIONS.map((a) => {
                const scope = `${o.key}:${a.key}`;
                return (
                  <td key={a.key}>
                    <input type="checkbox" aria-label={`${o.label}: ${a.label}`} checked={value.has(scope)} onChange={() => toggle(scope)} />
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </fieldset>
  );
}
