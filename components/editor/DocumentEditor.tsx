'use client';

import { useEffect, useState } from 'react';
import { canEdit } from '@/lib/auth/roles';
import type { Role } from '@/lib/storage/schema';
import { CollaborativeEditor, type EditorUser } from './CollaborativeEditor';
import { ExportMenu } from './ExportMenu';
import { useVersions, type VersionItem } from './history/useVersions';

// Loaded when someone first opens a version: the editor route's JavaScript stays as it was.
const VersionPreview = lazyPart(
  () => import('./history/VersionPreview').then((m) => m.VersionPreview),
  <p className="field-hint" aria-busy="true">Loading the version…</p>,
);
// Loaded when access is lost for good (rare), with a plain notice while it loads.
const AccessLost = lazyPart(
  () => import('./AccessLost').then((m) => m.AccessLost),
  <div className="card" role="alert">
    <p>You can no longer edit this document here.</p>
  </div>,
);
// Loaded when the history is first opened.
const HistoryPanel = lazyPart(
  () => import('./history/HistoryPanel').then((m) => m.HistoryPanel),
  <p className="field-hint" aria-busy="true">Loading the history…</p>,
);
import { Presence } from './Presence';
import { useRenderCount } from './render-count';
import { SaveStatus } from './SaveStatus';
import { ShareDialog } from './share/ShareDialog';
import { TitleField } from './TitleField';
import { useCollabConnection } from './useCollabConnection';
import { lazyPart } from '../lazy-part';
import { useHydrated } from '../useHydrated';

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
  const { conn, role, title, setTitle, lost } = useCollabConnection({ documentId, userId: user.id, collabUrl, initialRole, initialTitle });
  const history = useVersions(documentId);
  const [historyOpen, setHistoryOpen] = useState(false);
  const [shown, setShown] = useState<VersionItem | null>(null);
  const hydrated = useHydrated();

  // Ctrl+Alt+Shift+H (⌘⌥⇧H), as in Google Docs, opens and closes the version history.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.altKey && e.shiftKey && e.code === 'KeyH') {
        e.preventDefault();
        setHistoryOpen((open) => !open);
        setShown(null);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  if (lost !== null) return <AccessLost code={lost} documentId={documentId} />;
  const editable = canEdit(role);
  const closeHistory = () => {
    setHistoryOpen(false);
    setShown(null);
  };
  const restore = async (v: VersionItem) => {
    if (await history.restore(v)) setShown(null);
  };
  return (
    <>
      <div className="editor-header">
        <TitleField documentId={documentId} title={title} editable={editable} onRenamed={setTitle} />
        {!editable && <span className="badge">View only</span>}
        <SaveStatus tracker={conn?.tracker ?? null} />
        {conn && <Presence awareness={conn.provider.awareness} />}
        <ExportMenu documentId={documentId} />
        <button type="button" disabled={!hydrated} aria-expanded={historyOpen} aria-controls="version-history" aria-keyshortcuts="Control+Alt+Shift+H" title="Version history (Ctrl+Alt+Shift+H)" onClick={() => (historyOpen ? closeHistory() : setHistoryOpen(true))}>
          History
        </button>
        <ShareDialog documentId={documentId} title={title} role={role} userId={user.id} />
      </div>
      <div className={historyOpen ? 'editor-with-history' : undefined}>
        <div className="editor-main">
          {conn && shown && (
            <VersionPreview documentId={documentId} version={shown} ydoc={conn.provider.doc} canRestore={editable} busy={history.busy} onRestore={() => void restore(shown)} onClose={() => setShown(null)} />
          )}
          {/* The live editor stays mounted (and connected) while a version is shown. */}
          <div hidden={shown !== null}>
            {conn ? (
              <CollaborativeEditor conn={conn} user={user} editable={editable} />
            ) : (
              <div className="editor-surface editor-loading" aria-busy="true">
                <p className="field-hint">Opening the document…</p>
              </div>
            )}
          </div>
        </div>
        {historyOpen && <HistoryPanel history={history} canEdit={editable} selected={shown?.id ?? null} onSelect={setShown} onClose={closeHistory} />}
      </div>
    </>
  );
}
