'use client';

import type { Editor } from '@tiptap/core';
import Collaboration from '@tiptap/extension-collaboration';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import { EditorContent, useEditor } from '@tiptap/react';
import { useCallback, useEffect, useState } from 'react';
import type { CollabConnection } from '@/lib/client/provider';
import { schemaExtensionsWith } from '@/lib/editor/schema-base';
import { lazyPart } from '../lazy-part';
import { editingExtensions, linkShortcut } from './editor-extensions';
import { LinkMark } from './link-mark';
import { useRenderCount } from './render-count';
import { tableNodes } from './table/table-node';
import { Toolbar, type ToolbarDialog } from './toolbar/Toolbar';

// Loaded when first opened, not with the page.
const LinkDialog = lazyPart(() => import('./toolbar/LinkDialog').then((m) => m.LinkDialog));
const ImageDialog = lazyPart(() => import('./toolbar/ImageDialog').then((m) => m.ImageDialog));

export interface EditorUser {
  id: string;
  name: string;
  color: string;
}

/** Another person's caret: a coloured bar with their name, findable by account for presence. */
function renderCaret(user: Record<string, string>): HTMLElement {
  const caret = document.createElement('span');
  caret.className = 'collaboration-carets__caret';
  caret.style.borderColor = user.color;
  if (user.id) caret.dataset.userId = user.id;
  const label = document.createElement('div');
  label.className = 'collaboration-carets__label';
  label.style.backgroundColor = user.color;
  label.textContent = user.name;
  caret.append(label);
  return caret;
}

/**
 * The Tiptap editor bound to the Yjs document. Editor state never lives in React state and
 * transactions do not re-render React, so typing stays cheap in long documents; the toolbar
 * subscribes to just the bits it shows.
 */
function useCollaborativeEditor(conn: CollabConnection, user: EditorUser, editable: boolean, openDialog: (d: ToolbarDialog) => void): Editor | null {
  const editor = useEditor(
    {
      extensions: [
        ...schemaExtensionsWith(LinkMark, tableNodes()),
        ...editingExtensions(),
        linkShortcut(() => openDialog('link')),
        Collaboration.configure({ document: conn.provider.doc }),
        CollaborationCaret.configure({ provider: conn.provider, user: { id: user.id, name: user.name, color: user.color }, render: renderCaret }),
      ],
      editable,
      immediatelyRender: false,
      shouldRerenderOnTransaction: false,
      editorProps: {
        attributes: { id: 'document-text', 'aria-label': 'Document text', 'aria-multiline': 'true', role: 'textbox', 'data-testid': 'editor' },
      },
    },
    [conn],
  );
  // The role can change while the page is open (the owner made you an editor or a viewer).
  useEffect(() => {
    if (editor && editor.isEditable !== editable) editor.setEditable(editable);
  }, [editor, editable]);
  return editor;
}

/**
 * Toolbar (for people who may edit), the editor, and its dialogs, without any page chrome, so
 * the document page and embeds compose it the same way.
 */
export function CollaborativeEditor({ conn, user, editable }: { conn: CollabConnection; user: EditorUser; editable: boolean }) {
  useRenderCount('editor');
  const [dialog, setDialog] = useState<ToolbarDialog | null>(null);
  // A dialog's code loads when it is first opened; it then stays mounted, as it always was.
  const [used, setUsed] = useState<ReadonlySet<ToolbarDialog>>(new Set());
  const open = useCallback((d: ToolbarDialog) => {
    setUsed((u) => (u.has(d) ? u : new Set(u).add(d)));
    setDialog(d);
  }, []);
  const editor = useCollaborativeEditor(conn, user, editable, open);
  return (
    <>
      {editable && editor && <Toolbar editor={editor} onOpen={open} />}
      <div className="editor-surface">
        <EditorContent editor={editor} />
      </div>
      {editor && editable && (
        <>
          {used.has('link') && <LinkDialog editor={editor} open={dialog === 'link'} onClose={() => setDialog(null)} />}
          {used.has('image') && <ImageDialog editor={editor} open={dialog === 'image'} onClose={() => setDialog(null)} />}
        </>
      )}
    </>
  );
}
