'use client';

import { useEffect, useRef, useState } from 'react';
import { canEdit } from '@/lib/auth/roles';
import type { EmbedEventName } from '@/lib/embed/messages';
import { openCachedConnection } from '@/lib/client/cached-connection';
import type { CollabConnection } from '@/lib/client/provider';
import type { Role } from '@/lib/storage/schema';
import { CollaborativeEditor } from '../editor/CollaborativeEditor';
import { SaveStatus } from '../editor/SaveStatus';
import type { EmbedSessionInfo } from './EmbedFrame';

interface Props {
  documentId: string;
  collabUrl: string;
  session: EmbedSessionInfo;
  /** The embed session ended (4401): the frame gets a new token from the host. */
  onRenew(): void;
  /** Access ended for good (key revoked, site removed, document deleted). */
  onLost(message: string): void;
  onEvent(name: EmbedEventName, detail: Record<string, unknown>): void;
  /** Offered to visitors who came with the host's identity: appear under their Tandem account instead. */
  onUseAccount?: () => void;
}

const LOST: Record<number, string> = {
  4403: 'This document is no longer available here',
  4404: 'This document was deleted.',
  4429: 'Too many people are in this document right now. Try again later.',
};

/**
 * The editor inside the frame: the same collaboration as the app (carets, save status, offline
 * copy) without the app's chrome. How the socket authenticates (cookie or ticket) shows as
 * `data-auth` for tests and support.
 */
export function EmbedEditor({ documentId, collabUrl, session, onRenew, onLost, onEvent, onUseAccount }: Props) {
  const [conn, setConn] = useState<CollabConnection | null>(null);
  const [role, setRole] = useState<Role>(session.role);
  const [auth, setAuth] = useState<'cookie' | 'ticket' | null>(null);
  const callbacks = useRef({ onRenew, onLost, onEvent });
  callbacks.current = { onRenew, onLost, onEvent };
  const first = useRef(session);

  useEffect(() => {
    let cancelled = false;
    let cleanup = () => {};
    let ticketSeen = false;
    void openCachedConnection(
      {
        url: collabUrl,
        documentId,
        userId: session.userId,
        embed: { ticket: first.current.ticket, onTicket: () => ((ticketSeen = true), setAuth('ticket')) },
        onFinalClose: (e) => {
          if (e.code === 4401) return callbacks.current.onRenew();
          const detail = e.reason ? ` (${e.reason})` : '';
          callbacks.current.onLost(`${LOST[e.code] ?? 'The connection was closed'}${detail}.`.replace('..', '.'));
        },
      },
      () => cancelled,
    ).then((opened) => {
      if (!opened) return;
      const c = opened.conn;
      const offRole = c.onRole(setRole);
      let ready = false;
      const onSync = (synced: boolean) => {
        if (!synced) return;
        if (!ticketSeen) setAuth('cookie');
        if (!ready) {
          ready = true;
          callbacks.current.onEvent('ready', { role: c.role(), name: session.name });
        }
      };
      let wasSaved = false;
      const offTracker = c.tracker.subscribe(() => {
        const saved = c.tracker.state.kind === 'saved';
        if (saved && !wasSaved && ready) callbacks.current.onEvent('saved', {});
        wasSaved = saved;
      });
      c.provider.on('sync', onSync);
      cleanup = () => {
        c.provider.off('sync', onSync);
        offTracker();
        offRole();
        opened.destroy();
      };
      setConn(c);
    });
    return () => {
      cancelled = true;
      cleanup();
    };
  }, [collabUrl, documentId, session.userId, session.name]);

  // A renewed session (new token exchanged): the next connection uses its ticket or cookie.
  useEffect(() => {
    if (!conn || session.generation === first.current.generation) return;
    setRole(session.role);
    conn.useTicket(session.ticket);
    if (!conn.provider.wsconnected && !conn.provider.wsconnecting) conn.provider.connect();
  }, [conn, session]);

  const editable = canEdit(role);
  const user = { id: session.userId, name: session.name, color: session.color };
  return (
    <div className="embed-root" data-testid="embed-editor" data-auth={auth ?? undefined} data-role={role}>
      <div className="embed-bar">
        <span className="embed-as">
          {editable ? 'Editing' : 'Viewing'} as <strong data-testid="embed-name">{session.name}</strong>
        </span>
        {!editable && <span className="badge">View only</span>}
        <SaveStatus tracker={conn?.tracker ?? null} />
        {onUseAccount && (
          <button type="button" className="link-button" onClick={onUseAccount}>
            Use my Tandem account
          </button>
        )}
      </div>
      <div className="embed-surface">{conn && <CollaborativeEditor conn={conn} user={user} editable={editable} />}</div>
    </div>
  );
}
