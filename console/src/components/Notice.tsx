import type { ReactNode } from 'react';
import { ApiError } from '../api/http';

/** An API error as the API phrased it, announced to screen readers. Renders nothing without one. */
export function ErrorNotice({ error }: { error: Error | null | undefined }) {
  if (!error) return null;
  const status = error instanceof ApiError && error.status ? ` (${error.status})` : '';
  return <p className="notice error" role="alert">{error.message}{status}</p>;
}

/** What an empty list says, and what to do about it. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty-state">
      <p className="empty-title">{title}</p>
      {children}
    </div>
  );
}
