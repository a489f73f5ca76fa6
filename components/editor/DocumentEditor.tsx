'use client';

import { useEffect, useState } from 'react';
import * as Y from 'yjs';
import { canEdit } from '@/lib/auth/roles';
import { openOfflineCache } from '@/lib/client/offline';
import { connectDocument, type CollabConnection } from '@/lib/client/provider';
import type { Role } from '@/lib/storage/schema';
import { AccessLost } from './AccessLost';
import { CollaborativeEditor, type EditorUser } from './CollaborativeEditor';
import { Presence } from './Presence';
import { useRenderCount } from './render-count';
import { SaveStatus } from './SaveStatus';
import { ShareDialog } from './share/ShareDialog';
import { TitleField } from './TitleField';

export type { EditorUser };

interface Props {
  documentId: string;
  initialTitle: string;
  role: Role;
  user: EditorUser;
  collabUrl: string;
}

/**
 * The document page: title, save status, sharing, and the collaborative editor. The role
 * follows the server live (a viewer made editor can type at once), and a connection the
 * server ends for good (access removed, signed out, document deleted) replaces the editor.
 */
export function DocumentEditor({ documentId, initialTitle, role: initialRole, user, collabUrl }: Props) {
  useRenderCount('page');
  const [conn, setConn] = useState<CollabConnection | null>(null);
  const [title, setTitle] = useState(initialTitle);
  const [role, setRole] = useState<Role>(initialRole);
  const [lost, setLost] = useState<number | null>(null);

  useEffect(() => {
    const doc = new Y.Doc();
    let cancelled = false;
    let cleanup = () => {};
    // Load the offline copy first, so the editor shows it at once and the first sync sends it.
    void openOfflineCache(user.id, documentId, doc).then((cache) => {
      if (cancelled) return cache?.destroy();
      const c = connectDocument({
        url: collabUrl,
        documentId,
        doc,
        prepare: (tracker) => {
          if (cache?.hadUnsaved) tracker.markUnsaved();
        },
      });
      const unfollow = cache?.follow(c.tracker);
      const offRole = c.onRole(setRole);
      const offTitle = c.onTitle(setTitle);
      const onClosed = (e: { code: number }) => {
        // Access lost or document gone: the offline copy must not outlive it.
        if (e.code === 4403 || e.code === 4404) void cache?.clear();
        if (e.code === 4401 || e.code === 4403 || e.code === 4404) setLost(e.code);
      };
      c.provider.on('closed', onClosed);
      cleanup = () => {
        c.provider.off('closed', onClosed);
        offRole();
        offTitle();
        unfollow?.();
        c.destroy();
        cache?.destroy();
      };
      setConn(c);
    });
    return () => {
      cancelled = true;
      cleanup();
      doc.destroy();
    };
  }, [collabUrl, documentId, user.id]);

  if (lost !== null) return <AccessLost code={lost} documentId={documentId} />;
  const editable = canEdit(role);
  return (
    <>
      <div className="editor-header">
        <TitleField documentId={documentId} title={title} editable={editable} onRenamed={setTitle} />
        {!editable && <span className="badge">View only</span>}
        <SaveStatus tracker={conn?.tracker ?? null} />
        {conn && <Presence awareness={conn.provider.awareness} />}
        <ShareDialog documentId={documentId} title={title} role={role} userId={user.id} />
      </div>
      {conn ? (
        <CollaborativeEditor conn={conn} user={user} editable={editable} />
      ) : (
        <div className="editor-surface editor-loading" aria-busy="true">
          <p className="field-hint">Opening the document…</p>
        </div>
      )}
    </>
  );
}
