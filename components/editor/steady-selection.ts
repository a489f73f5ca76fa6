import { Extension } from '@tiptap/core';
import type { Node } from '@tiptap/pm/model';
import { Plugin, TextSelection, type EditorState, type Transaction } from '@tiptap/pm/state';
import { ySyncPluginKey } from '@tiptap/y-tiptap';

/** Same text and same positions: the two documents differ at most in marks and node types. */
function sameText(a: Node, b: Node): boolean {
  return a.content.size === b.content.size && a.textBetween(0, a.content.size, '\n', '\ufffc') === b.textBetween(0, b.content.size, '\n', '\ufffc');
}

const inline = (doc: Node, pos: number) => doc.resolve(pos).parent.inlineContent;

/**
 * The selection to put back after a collaborator's change, or null to keep what y-tiptap chose.
 *
 * y-tiptap rebuilds a paragraph a remote change touched and puts the selection back through Yjs
 * relative positions. In the formatting-race e2e test (about one run in twelve, Chromium) Bo's
 * selection came back one character short, or collapsed, after Ada's formatting arrived, and
 * his Ctrl+I styled the wrong letters. Without a browser the binding restores it right
 * (steady-selection.yjs.test.ts); a probe with two real pages showed remote caret and
 * selection redraws racing the browser's own selection changes. Marks do not move ProseMirror
 * positions, so when only styling changed the old positions are still the right ones. Undo and
 * redo are left alone: they restore the selection they recorded.
 */
export function steadySelection(trs: readonly Transaction[], before: EditorState, after: EditorState): TextSelection | null {
  const remote = trs.some((tr) => {
    const meta = tr.getMeta(ySyncPluginKey) as { isChangeOrigin?: boolean; isUndoRedoOperation?: boolean } | undefined;
    return meta?.isChangeOrigin === true && !meta.isUndoRedoOperation;
  });
  const old = before.selection;
  if (!remote || !(old instanceof TextSelection)) return null;
  const now = after.selection;
  if (now.anchor === old.anchor && now.head === old.head) return null;
  if (!sameText(before.doc, after.doc) || !inline(after.doc, old.anchor) || !inline(after.doc, old.head)) return null;
  return TextSelection.create(after.doc, old.anchor, old.head);
}

export const SteadySelection = Extension.create({
  name: 'steadySelection',
  addProseMirrorPlugins() {
    return [
      new Plugin({
        appendTransaction(trs, before, after) {
          const selection = steadySelection(trs, before, after);
          return selection ? after.tr.setSelection(selection).setMeta('addToHistory', false) : null;
        },
      }),
    ];
  },
});
