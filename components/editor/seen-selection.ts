import { Extension } from '@tiptap/core';
import { Plugin, PluginKey, TextSelection } from '@tiptap/pm/state';
import type { EditorView } from '@tiptap/pm/view';

/** The parts of ProseMirror's DOM observer used here (internal to prosemirror-view, not typed). */
interface DomObserver {
  currentSelection: { clear(): void };
  flush(): void;
}

/**
 * Makes the editor's selection the one the person sees before a shortcut or a toolbar command
 * acts on it.
 *
 * The browser moves the DOM selection for Shift+Arrow at once but tells ProseMirror later, in
 * a `selectionchange` event, and ProseMirror's keymaps act on the selection it was last told.
 * In Chromium, with collaborators' carets and edits being drawn, a shortcut pressed right after
 * the move was handled before that event: Bo saw "alpha" selected, the state said "alph", and
 * Ctrl+I styled "alph" (the formatting-race e2e test, about one run in twelve; a probe with two
 * pages and remote carets but no server, 13 runs in 60). With this plugin, 0 in 60.
 *
 * The fix asks ProseMirror to read the DOM selection again, with its own rules, by forgetting
 * which one it last saw; it changes the state only where the two differ. Only for a text
 * selection: a node, cell or whole-document selection is drawn differently from what it is, and
 * reading it back from the DOM would turn it into text. Uses prosemirror-view internals
 * (`domObserver`); without them it does nothing.
 */
export function readSeenSelection(view: EditorView): void {
  const observer = (view as unknown as { domObserver?: Partial<DomObserver> }).domObserver;
  if (!(view.state.selection instanceof TextSelection) || !view.hasFocus() || typeof observer?.flush !== 'function' || typeof observer.currentSelection?.clear !== 'function') return;
  observer.currentSelection.clear();
  observer.flush();
}

export const SeenSelection = Extension.create({
  name: 'seenSelection',
  // Before every keymap, so that the shortcut's command sees the corrected selection.
  priority: 10_000,
  addProseMirrorPlugins() {
    return [
      new Plugin({
        key: new PluginKey('seenSelection'),
        props: {
          handleKeyDown(view) {
            readSeenSelection(view);
            return false;
          },
        },
      }),
    ];
  },
});
