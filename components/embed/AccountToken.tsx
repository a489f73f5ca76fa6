'use client';

import { useState } from 'react';
import { api } from '@/lib/client/api';
import type { HostMessage } from '@/lib/embed/messages';
import { useHydrated } from '../useHydrated';

/**
 * The sign-in popup's content: with the account's consent, gets a token for it from the app
 * and posts it to the embedded frame that opened the popup, then closes.
 */
export function AccountToken({ documentId, origin, name }: { documentId: string; origin: string; name: string }) {
  const [state, setState] = useState<{ kind: 'idle' | 'busy' | 'done' } | { kind: 'error'; message: string }>({ kind: 'idle' });
  // The page is rendered on the server: a click before hydration would do nothing.
  const hydrated = useHydrated();
  const go = async () => {
    const frame = window.opener as Window | null;
    if (!frame) return setState({ kind: 'error', message: 'The embedded document that opened this window is gone. Close this window and try again.' });
    setState({ kind: 'busy' });
    try {
      const { token } = await api<{ token: string }>(`/api/documents/${documentId}/embed/token`, { method: 'POST', body: { origin } });
      const m: HostMessage = { type: 'tandem:token', token };
      frame.postMessage(m, window.location.origin);
      setState({ kind: 'done' });
      window.close();
    } catch (e) {
      setState({ kind: 'error', message: (e as Error).message });
    }
  };
  return (
    <div className="card auth-card">
      <h1>Use your Tandem account</h1>
      <p>
        Appear as <strong>{name}</strong>, with your own access, in the document embedded on <strong>{origin || 'another site'}</strong>.
      </p>
      {state.kind === 'error' && (
        <p className="alert" role="alert">
          {state.message}
        </p>
      )}
      {state.kind === 'done' ? (
        <p role="status">Done. You can close this window.</p>
      ) : (
        <button type="button" className="primary" onClick={go} disabled={!hydrated || state.kind === 'busy'}>
          Continue as {name}
        </button>
      )}
    </div>
  );
}
