'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import type { EmbedRole } from '@/lib/storage';
import { EmbedEditor } from './EmbedEditor';
import { useHostBridge } from './useHostBridge';

export interface EmbedSessionInfo {
  role: EmbedRole;
  name: string;
  userId: string;
  color: string;
  ticket: string;
  /** Bumped on every exchange, so the editor picks up a renewed ticket. */
  generation: number;
}

type Phase =
  | { kind: 'waiting' }
  | { kind: 'exchanging' }
  | { kind: 'rejected'; message: string; reason: string }
  | { kind: 'open'; session: EmbedSessionInfo }
  | { kind: 'lost'; message: string };

/** Renewals allowed within a minute before the frame gives up (a session that keeps failing). */
const MAX_RENEWALS_PER_MINUTE = 3;

/**
 * An embedded document: asks the host page for a token, exchanges it for a session scoped to
 * this document, then shows the editor. Tokens come by postMessage, never in the URL.
 */
export function EmbedFrame({ documentId, collabUrl }: { documentId: string; collabUrl: string }) {
  const [phase, setPhase] = useState<Phase>({ kind: 'waiting' });
  const generation = useRef(0);
  const renewals = useRef<number[]>([]);

  const fail = useCallback((message: string, reason: string) => {
    setPhase({ kind: 'rejected', message, reason });
    bridge.post({ type: 'tandem:event', name: 'error', detail: { reason, message } });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const exchange = useCallback(
    async (token: string, hostOrigin: string) => {
      setPhase((p) => (p.kind === 'open' ? p : { kind: 'exchanging' }));
      let res: Response;
      try {
        res = await fetch('/api/embed/sessions', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          credentials: 'same-origin',
          body: JSON.stringify({ document: documentId, token, origin: hostOrigin }),
        });
      } catch {
        return fail('Could not reach Tandem. Check your connection and reload the page.', 'network');
      }
      const body = await res.json().catch(() => ({}));
      if (!res.ok) return fail(body?.error?.message ?? `The token was refused (${res.status}).`, body?.error?.reason ?? body?.error?.code ?? 'error');
      generation.current += 1;
      setPhase({ kind: 'open', session: { ...body, generation: generation.current } });
    },
    [documentId, fail],
  );

  const bridge = useHostBridge(
    (token, _from, hostOrigin) => void exchange(token, hostOrigin),
    (message) => fail(`The page could not get a token: ${message}`, 'host_error'),
  );

  useEffect(() => bridge.requestToken(), [bridge]);

  // Report the content height so the snippet can size the iframe.
  useEffect(() => {
    const el = document.documentElement;
    const report = () => bridge.post({ type: 'tandem:resize', height: Math.ceil(el.scrollHeight) });
    const ro = new ResizeObserver(report);
    ro.observe(document.body);
    report();
    return () => ro.disconnect();
  }, [bridge]);

  /** The session ended (expired, or the cookie and ticket are gone): ask the host for a new token. */
  const renew = useCallback(() => {
    const now = Date.now();
    renewals.current = renewals.current.filter((t) => now - t < 60_000).concat(now);
    if (renewals.current.length > MAX_RENEWALS_PER_MINUTE) return fail('The session keeps ending. Reload the page to try again.', 'renewal_failed');
    bridge.requestToken();
  }, [bridge, fail]);

  const lost = useCallback(
    (message: string) => {
      setPhase({ kind: 'lost', message });
      bridge.post({ type: 'tandem:event', name: 'error', detail: { reason: 'closed', message } });
    },
    [bridge],
  );

  switch (phase.kind) {
    case 'waiting':
    case 'exchanging':
      return (
        <div className="embed-root embed-message" data-testid="embed-status" data-phase={phase.kind} role="status">
          {phase.kind === 'waiting' ? 'Waiting for the page to sign you in…' : 'Opening the document…'}
        </div>
      );
    case 'rejected':
    case 'lost':
      return (
        <div className="embed-root embed-message alert" data-testid="embed-error" data-reason={phase.kind === 'rejected' ? phase.reason : 'closed'} role="alert">
          {phase.message}
        </div>
      );
    case 'open':
      return (
        <EmbedEditor
          key={phase.session.userId}
          documentId={documentId}
          collabUrl={collabUrl}
          session={phase.session}
          onRenew={renew}
          onLost={lost}
          onEvent={(name, detail) => bridge.post({ type: 'tandem:event', name, detail })}
          onUseAccount={phase.session.userId.startsWith('embed:') ? () => bridge.signInWithAccount(documentId) : undefined}
        />
      );
  }
}
