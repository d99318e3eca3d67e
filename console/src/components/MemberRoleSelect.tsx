export const ROLES = ['owner', 'admin', 'editor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_HELP: Record<Role, string> = {
  owner: 'Owner: everything, including managing owners.',
  admin: 'Admin: everything, and manages members other than owners.',
  editor: 'Editor: changes records and files; reads the schema and the request history.',
  viewer: 'Viewer: reads records, schema, files and request history.',
};

/** A workspace role picker (the API's four roles). */
export function MemberRoleSelect({ label, value, onChange, disabled }: { label: string; value: Role; onChange: (role: Role) => void; disabled?: boolean }) {
  return (
    <label>{label}
      <select value={value} disabled={disabled} onChange={(e) => onChange(e.target.value as Role)}>
        {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
      </select>
    </label>
  );
}

