import { Extension, type AnyExtension, type Editor, type JSONContent } from '@tiptap/core';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import { looksLikeMarkdown, sanitizeContent } from '@/lib/editor/sanitize';
import { NearSelection } from './near-selection';
import { SeenSelection } from './seen-selection';

/**
 * Pastes Markdown as formatting. The parser (marked and Tiptap's Markdown, about 15 KB
 * gzipped) is loaded on the first such paste rather than with the page; if it cannot be loaded
 * (offline, say) the text goes in as it is.
 */
async function pasteMarkdown(editor: Editor, text: string): Promise<void> {
  let content: JSONContent[] = [];
  try {
    const { fromMarkdown } = await import('@/lib/editor/markdown');
    content = sanitizeContent(fromMarkdown(text))?.content ?? [];
  } catch {
    // Loading failed: plain text below.
  }
  if (editor.isDestroyed || !editor.isEditable) return;
  // Inserted where the caret is now: remote edits in the meantime keep it in place.
  if (content.length > 0) editor.commands.insertContent(content);
  // The editor's own plain-text paste (this plugin lets an event without clipboard data through).
  else editor.view.pasteText(text);
}

/**
 * Plain text that reads as Markdown is pasted as formatting. HTML on the clipboard wins (the
 * schema parses it, dropping what it does not know and URLs that are not allowed), and inside a
 * code block text stays text.
 */
const MarkdownPaste = Extension.create({
  name: 'markdownPaste',
  addProseMirrorPlugins() {
    const editor = this.editor;
    return [
      new Plugin({
        key: new PluginKey('markdownPaste'),
        props: {
          handlePaste(view, event) {
            const data = event.clipboardData;
            if (!data || data.types.includes('text/html')) return false;
            const text = data.getData('text/plain');
            if (!text || view.state.selection.$from.parent.type.spec.code || !looksLikeMarkdown(text)) return false;
            void pasteMarkdown(editor, text);
            return true;
          },
        },
      }),
    ];
  },
});

/** Opens the link dialog on Mod-K; the toolbar registers what that means. */
export function linkShortcut(open: () => void): AnyExtension {
  return Extension.create({
    name: 'linkShortcut',
    addKeyboardShortcuts() {
      return {
        'Mod-k': () => {
          if (!this.editor.isEditable) return false;
          open();
          return true;
        },
      };
    },
  });
}

/** Editor behaviour that is not part of the schema (the server never needs it). */
export function editingExtensions(): AnyExtension[] {
  return [MarkdownPaste, NearSelection, SeenSelection];
}
