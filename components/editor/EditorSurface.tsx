'use client';

import Collaboration from '@tiptap/extension-collaboration';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import { EditorContent, useEditor } from '@tiptap/react';
import { useEffect } from 'react';
import { schemaExtensions } from '@/lib/editor/extensions';
import type { CollabConnection } from '@/lib/client/provider';
import type { EditorUser } from './DocumentEditor';

/**
 * The Tiptap editor bound to the Yjs document. Editor state never lives in React state, and
 * transactions do not re-render the component, so typing stays cheap in long documents.
 */
export function EditorSurface({ conn, user, editable }: { conn: CollabConnection; user: EditorUser; editable: boolean }) {
  const editor = useEditor(
    {
      extensions: [
        ...schemaExtensions(),
        Collaboration.configure({ document: conn.provider.doc }),
        CollaborationCaret.configure({ provider: conn.provider, user: { name: user.name, color: user.color } }),
      ],
      editable,
      immediatelyRender: false,
      shouldRerenderOnTransaction: false,
      editorProps: {
        attributes: { 'aria-label': 'Document text', 'aria-multiline': 'true', role: 'textbox', 'data-testid': 'editor' },
      },
    },
    [conn],
  );
  // The role can change while the page is open (the owner made you an editor or a viewer).
  useEffect(() => {
    if (editor && editor.isEditable !== editable) editor.setEditable(editable);
  }, [editor, editable]);
  return <EditorContent editor={editor} />;
}
