'use client';

import type { JSONContent } from '@tiptap/core';
import { EditorContent, useEditor } from '@tiptap/react';
import { yXmlFragmentToProseMirrorRootNode } from '@tiptap/y-tiptap';
import { useEffect, useRef, useState } from 'react';
import type * as Y from 'yjs';
import { api } from '@/lib/client/api';
import { diffDocs, type DocDiff } from '@/lib/editor/diff';
import { editorSchema, FRAGMENT, schemaExtensions } from '@/lib/editor/extensions';
import { versionLabel, versionTitle, type VersionItem } from './useVersions';
import { diffDecorations, VersionDiff, versionDiffKey } from './version-diff';

type Loaded = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; content: JSONContent };

function summary(diff: DocDiff | undefined | null): string {
  if (diff === null) return 'Comparing with the current document…';
  if (diff === undefined) return 'This version differs too much from the current document to highlight the changes.';
  const words = (n: number) => `${n} ${n === 1 ? 'passage' : 'passages'}`;
  if (!diff.added.length && !diff.removed.length && !diff.changedBlocks.length) return 'Same as the current document.';
  return `Compared with the current document: ${words(diff.added.length)} only in this version, ${words(diff.removed.length)} only in the current document.`;
}

/**
 * One version, read-only, with what differs from the current document highlighted: text that
 * restoring would bring back is underlined in green, text it would take away is struck through
 * in red. The comparison follows the live document while people keep editing.
 */
export function VersionPreview(props: { documentId: string; version: VersionItem; ydoc: Y.Doc; canRestore: boolean; busy: boolean; onRestore: () => void; onClose: () => void }) {
  const { documentId, version, ydoc } = props;
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  const [diff, setDiff] = useState<DocDiff | undefined | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    let live = true;
    setLoaded({ state: 'loading' });
    api<{ content: JSONContent }>(`/api/documents/${documentId}/versions/${version.id}?format=json`)
      .then((v) => live && setLoaded({ state: 'ready', content: v.content }))
      .catch((e: Error) => live && setLoaded({ state: 'error', message: e.message }));
    heading.current?.focus();
    return () => {
      live = false;
    };
  }, [documentId, version.id]);

  const editor = useEditor(
    { extensions: [...schemaExtensions(), VersionDiff], content: loaded.state === 'ready' ? loaded.content : null, editable: false, immediatelyRender: false, editorProps: { attributes: { 'aria-label': `Text of ${versionLabel(version)}`, role: 'textbox', 'aria-readonly': 'true', 'aria-multiline': 'true', 'data-testid': 'version-text' } } },
    [loaded],
  );

  // Compare with the live document now and, at most a few times a second, as it changes.
  useEffect(() => {
    if (!editor || loaded.state !== 'ready') return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const compare = () => {
      timer = undefined;
      const current = yXmlFragmentToProseMirrorRootNode(ydoc.getXmlFragment(FRAGMENT), editorSchema());
      const d = diffDocs(current, editor.state.doc);
      setDiff(d);
      editor.view.dispatch(editor.state.tr.setMeta(versionDiffKey, diffDecorations(editor.state.doc, d)));
    };
    const soon = () => (timer ??= setTimeout(compare, 250));
    compare();
    ydoc.on('update', soon);
    return () => {
      ydoc.off('update', soon);
      if (timer) clearTimeout(timer);
    };
  }, [editor, loaded, ydoc]);

  const when = new Date(version.createdAt);
  return (
    <section className="version-preview" aria-labelledby="version-preview-title" onKeyDown={(e) => e.key === 'Escape' && props.onClose()}>
      <div className="version-preview-bar">
        <h2 id="version-preview-title" ref={heading} tabIndex={-1}>
          {versionTitle(version)} · <time dateTime={when.toISOString()}>{when.toLocaleString()}</time>
        </h2>
        <span className="badge">Read only</span>
        {props.canRestore && (
          <button type="button" className="primary" onClick={props.onRestore} disabled={props.busy || loaded.state !== 'ready'}>
            {props.busy ? 'Restoring…' : 'Restore this version'}
          </button>
        )}
        <button type="button" onClick={props.onClose}>
          Back to the document
        </button>
      </div>
      <p className="field-hint" role="status" data-testid="diff-summary">
        {loaded.state === 'ready' ? summary(diff) : ''}
      </p>
      <p className="diff-legend field-hint" aria-hidden="true">
        <ins className="diff-added">Only in this version</ins> <del className="diff-removed">Only in the current document</del>
      </p>
      {loaded.state === 'loading' && <p className="field-hint" aria-busy="true">Loading the version…</p>}
      {loaded.state === 'error' && (
        <p className="alert" role="alert">
          {loaded.message}
        </p>
      )}
      <div className="editor-surface version-surface">{loaded.state === 'ready' && <EditorContent editor={editor} />}</div>
    </section>
  );
}
