import { useEffect } from 'react';

/**
 * Names the screen in the browser's tab and history (WCAG 2.4.2, "Tables in app · Strata"):
 * screen reader users hear it when a page opens, and every tab of the console is told apart.
 */
export function useDocumentTitle(title: string): void {
  useEffect(() => { document.title = `${title} · Strata`; }, [title]);
}
