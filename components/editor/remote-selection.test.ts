// @vitest-environment happy-dom
import { Editor } from '@tiptap/core';
import Collaboration from '@tiptap/extension-collaboration';
import { TextSelection } from '@tiptap/pm/state';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { schemaExtensions } from '@/lib/editor/extensions';
import { editingExtensions } from './editor-extensions';

/**
 * The local selection across a collaborator's change, with real Y.Docs bound by y-tiptap and the
 * editor's own extensions. (The shortened selection the formatting-race e2e test once saw came
 * from the browser reporting selection changes late, not from the binding: seen-selection.ts.)
 */
const editors: Editor[] = [];
afterEach(() => editors.splice(0).forEach((e) => e.destroy()));

function people() {
  const make = () => {
    const doc = new Y.Doc();
    const editor = new Editor({ element: document.createElement('div'), extensions: [...schemaExtensions(), ...editingExtensions(), Collaboration.configure({ document: doc })] });
    editors.push(editor);
    return { doc, editor };
  };
  const ada = make();
  const bo = make();
  ada.editor.commands.setContent('<p>alpha beta gamma</p>');
  sync(ada.doc, bo.doc);
  return { ada, bo };
}
const sync = (from: Y.Doc, to: Y.Doc) => Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));
const select = (e: Editor, from: number, to: number) => e.view.dispatch(e.state.tr.setSelection(TextSelection.create(e.state.doc, from, to)));
const selected = (e: Editor) => e.state.doc.textBetween(e.state.selection.from, e.state.selection.to);

describe('the local selection when a collaborator changes the paragraph', () => {
  it('stays on its word when the whole paragraph is made bold', () => {
    const { ada, bo } = people();
    select(bo.editor, 1, 6);
    select(ada.editor, 1, 17);
    ada.editor.commands.toggleBold();
    sync(ada.doc, bo.doc);
    expect(bo.editor.isActive('bold')).toBe(true);
    expect([bo.editor.state.selection.from, bo.editor.state.selection.to]).toEqual([1, 6]);
  });

  it('moves with its word when text is typed before it', () => {
    const { ada, bo } = people();
    select(bo.editor, 7, 11);
    ada.editor.commands.insertContentAt(1, 'XY');
    sync(ada.doc, bo.doc);
    expect(selected(bo.editor)).toBe('beta');
    expect(bo.editor.state.selection.from).toBe(9);
  });

  it('keeps formatting its word when both format at once', () => {
    const { ada, bo } = people();
    select(bo.editor, 1, 6);
    select(ada.editor, 1, 17);
    ada.editor.commands.toggleBold();
    bo.editor.commands.toggleItalic();
    sync(ada.doc, bo.doc);
    sync(bo.doc, ada.doc);
    expect(selected(bo.editor)).toBe('alpha');
    bo.editor.commands.toggleStrike();
    sync(bo.doc, ada.doc);
    const html = '<p><strong><em><s>alpha</s></em> beta gamma</strong></p>';
    expect([ada.editor.getHTML(), bo.editor.getHTML()]).toEqual([html, html]);
  });
});
