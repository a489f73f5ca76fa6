import { Extension, type AnyExtension, type JSONContent } from '@tiptap/core';
import { Markdown } from '@tiptap/markdown';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import { looksLikeMarkdown, sanitizeContent } from '@/lib/editor/sanitize';

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
            if (!text || view.state.selection.$from.parent.type.spec.code || !looksLikeMarkdown(text) || !editor.markdown) return false;
            const parsed = sanitizeContent(editor.markdown.parse(text));
            const content: JSONContent[] = parsed?.content ?? [];
            if (content.length === 0) return false;
            return editor.commands.insertContent(content);
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
  return [Markdown, MarkdownPaste];
}
