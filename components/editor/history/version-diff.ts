import { Extension } from '@tiptap/core';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import { Decoration, DecorationSet } from '@tiptap/pm/view';
import type { DocDiff } from '@/lib/editor/diff';

export const versionDiffKey = new PluginKey<DecorationSet>('versionDiff');

function removedWidget(text: string): HTMLElement {
  const del = document.createElement('del');
  del.className = 'diff-removed';
  del.textContent = text;
  return del;
}

/** Decorations that show a {@link DocDiff} on the version it was computed for. */
export function diffDecorations(doc: Parameters<typeof DecorationSet.create>[0], diff: DocDiff | undefined): DecorationSet {
  if (!diff) return DecorationSet.empty;
  return DecorationSet.create(doc, [
    ...diff.changedBlocks.map((r) => Decoration.node(r.from, r.to, { class: 'diff-changed-block' })),
    ...diff.added.map((r) => Decoration.inline(r.from, r.to, { nodeName: 'ins', class: 'diff-added' })),
    ...diff.removed.map((r, i) => Decoration.widget(r.at, () => removedWidget(r.text), { side: -1, key: `removed-${i}-${r.text.length}` })),
  ]);
}

/**
 * Highlights how the shown version differs from the current document. The decorations come
 * in through a transaction meta, so they follow the current document as others edit it.
 */
export const VersionDiff = Extension.create({
  name: 'versionDiff',
  addProseMirrorPlugins() {
    return [
      new Plugin<DecorationSet>({
        key: versionDiffKey,
        state: {
          init: () => DecorationSet.empty,
          apply: (tr, set) => (tr.getMeta(versionDiffKey) as DecorationSet | undefined) ?? set.map(tr.mapping, tr.doc),
        },
        props: { decorations: (state) => versionDiffKey.getState(state) },
      }),
    ];
  },
});
