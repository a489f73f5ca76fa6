import { Extension } from '@tiptap/core';
import { Plugin, PluginKey, type EditorState } from '@tiptap/pm/state';
import { Decoration, DecorationSet } from '@tiptap/pm/view';

/** Class of the top-level blocks around the selection; app/globals.css always renders them. */
export const NEAR_SELECTION_CLASS = 'near-selection';
/** Blocks on each side of each end of the selection that get it. */
const AROUND = 2;

/**
 * Top-level blocks are `content-visibility: auto` (app/globals.css): off screen they are not
 * laid out or painted, which keeps a keystroke in a long document cheap. But the browser decides
 * what is on screen only at its next rendering update, so a block that an edit has just created
 * (an input rule turning a paragraph into a list, Enter) would still be skipped when the caret
 * is put into it, and Chromium then moves the caret out of it. The blocks at and next to the
 * selection are always rendered instead.
 */
export function aroundSelection(state: EditorState): DecorationSet {
  const { doc, selection } = state;
  const last = doc.childCount - 1;
  const indexes = new Set<number>();
  for (const pos of [selection.anchor, selection.head]) {
    const at = doc.resolve(pos).index(0);
    for (let i = Math.max(0, at - AROUND); i <= Math.min(last, at + AROUND); i++) indexes.add(i);
  }
  const $start = doc.resolve(0);
  const decorations = [...indexes].map((i) => {
    const from = $start.posAtIndex(i, 0);
    return Decoration.node(from, from + doc.child(i).nodeSize, { class: NEAR_SELECTION_CLASS });
  });
  return DecorationSet.create(doc, decorations);
}

const key = new PluginKey<DecorationSet>('nearSelection');

export const NearSelection = Extension.create({
  name: 'nearSelection',
  addProseMirrorPlugins() {
    return [
      new Plugin<DecorationSet>({
        key,
        state: {
          init: (_, state) => aroundSelection(state),
          apply: (tr, old, _, state) => (tr.docChanged || tr.selectionSet ? aroundSelection(state) : old),
        },
        props: { decorations: (state) => key.getState(state) },
      }),
    ];
  },
});
