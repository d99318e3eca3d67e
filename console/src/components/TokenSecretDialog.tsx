import { useState } from 'react';
import { Dialog } from './Dialog';

/** The new token's secret, shown this once, with a Copy button. */
export function TokenSecretDialog({ name, secret, onClose }: { name: string; secret: string; onClose: () => void }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('yes');
    } catch {
      setCopied('failed'); // no clipboard permission (or not a secure context): the text is selectable
    }
  }
  return (
    <Dialog title={`Token “${name}” created`} submitLabel="Done" onClose={onClose} onSubmit={() => {}}>
      <p className="notice warn" role="note">Copy the token now: it will not be shown again. Anyone who has it can use Strata with its scopes.</p>
      <div className="token-secret">
        {/* A read-only text box (a bare <code> cannot carry a name): announced with its label, focusable to select. */}
        <code role="textbox" aria-readonly="true" tabIndex={0} aria-label="Token secret" data-testid="token-secret">{secret}</code>
        <button type="button" onClick={() => void copy()}>Copy</button>
      </div>
      <p role="status" className="muted">{copied === 'yes' ? 'Copied to the clipboard.' : copied === 'failed' ? 'Could not copy: select the token and copy it by hand.' : ''}</p>
    </Dialog>
  );
}
