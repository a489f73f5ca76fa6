'use client';

import { canEdit } from '@/lib/auth/roles';
import type { Role } from '@/lib/storage/schema';
import { AccessLost } from './AccessLost';
import { CollaborativeEditor, type EditorUser } from './CollaborativeEditor';
import { Presence } from './Presence';
import { useRenderCount } from './render-count';
import { SaveStatus } from './SaveStatus';
import { ShareDialog } from './share/ShareDialog';
import { TitleField } from './TitleField';
import { useCollabConnection } from './useCollabConnection';

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
