'use client';

import { useCallback, useEffect, useMemo, useRef } from 'react';
import { isHostMessage, type FrameMessage, type HostMessage } from '@/lib/embed/messages';

export interface HostBridge {
  /** The host page's origin, known once it sent the first token. */
  hostOrigin(): string | null;
  /** Asks the host page for a (new) token. */
  requestToken(): void;
  /** Tells the host page something (ready, saved, error, resize). */
  post(m: FrameMessage): void;
  /** Opens the account sign-in popup; a token it posts back replaces the host's identity. */
  signInWithAccount(documentId: string): void;
}

/**
 * The frame's side of the postMessage protocol. Tokens are accepted only from the parent page
 * (its origin recorded and pinned by the first token) or from a sign-in popup on the app's own
 * origin; messages to the host go to the pinned origin only (before that, only requests
 * without data are sent, to any origin).
 */
export function useHostBridge(onToken: (token: string, from: 'host' | 'account', hostOrigin: string) => void, onTokenError: (message: string) => void): HostBridge {
  const origin = useRef<string | null>(null);
  const popup = useRef<Window | null>(null);
  const handlers = useRef({ onToken, onTokenError });
  handlers.current = { onToken, onTokenError };

  useEffect(() => {
    const onMessage = (e: MessageEvent) => {
      if (!isHostMessage(e.data)) return;
      const m: HostMessage = e.data;
      const fromParent = e.source === window.parent && window.parent !== window;
      const fromAccountPopup = e.origin === window.location.origin && popup.current !== null && e.source === popup.current;
      if (fromParent) {
        if (origin.current && origin.current !== e.origin) return; // the host page cannot change
        origin.current ??= e.origin;
      } else if (!fromAccountPopup || !origin.current) {
        return;
      }
      if (m.type === 'tandem:token') handlers.current.onToken(m.token, fromParent ? 'host' : 'account', fromParent ? e.origin : origin.current!);
      else handlers.current.onTokenError(m.message);
    };
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }, []);

  const post = useCallback((m: FrameMessage) => {
    if (window.parent === window) return;
    if (m.type === 'tandem:event') {
      if (origin.current) window.parent.postMessage(m, origin.current);
    } else {
      window.parent.postMessage(m, origin.current ?? '*');
    }
  }, []);

  return useMemo(
    () => ({
      hostOrigin: () => origin.current,
      requestToken: () => post({ type: 'tandem:token-request' }),
      post,
      signInWithAccount(documentId: string) {
        if (!origin.current) return;
        const url = `/d/${encodeURIComponent(documentId)}/embed-signin?origin=${encodeURIComponent(origin.current)}`;
        popup.current = window.open(url, 'tandem-account', 'popup,width=520,height=640');
      },
    }),
    [post],
  );
}
