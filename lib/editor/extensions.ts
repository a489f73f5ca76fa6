import { getSchema, mergeAttributes, type AnyExtension } from '@tiptap/core';
import type { Schema } from '@tiptap/pm/model';
import Image from '@tiptap/extension-image';
import { TaskItem, TaskList } from '@tiptap/extension-list';
import { Table, TableKit } from '@tiptap/extension-table';
import StarterKit from '@tiptap/starter-kit';
import { safeImageUrl, safeLinkUrl } from './urls';

/** The Yjs fragment Tiptap's Collaboration extension uses by default; other clients rely on it. */
export const FRAGMENT = 'default';

/**
 * Images by URL only (no data: URIs), and only http(s): a source that is not allowed is dropped
 * when HTML is parsed (paste) and when a node from another client is rendered.
 */
const SafeImage = Image.extend({
  addAttributes() {
    return {
      ...this.parent?.(),
      src: { default: null, parseHTML: (el: HTMLElement) => safeImageUrl(el.getAttribute('src')) },
    };
  },
  parseHTML() {
    return [{ tag: 'img[src]', getAttrs: (el: HTMLElement) => (safeImageUrl(el.getAttribute('src')) ? null : false) }];
  },
  renderHTML({ HTMLAttributes }) {
    const src = safeImageUrl(HTMLAttributes.src as string | undefined);
    return ['img', mergeAttributes(this.options.HTMLAttributes, { ...HTMLAttributes, src: src ?? undefined })];
  },
}).configure({ inline: false, allowBase64: false });

/**
 * Tiptap's Markdown for a table starts and ends with blank lines of its own; next to another
 * block they add up to a run that reads back as an empty paragraph, so they are trimmed.
 */
const TableNode = Table.extend({
  renderMarkdown(node, helpers, context) {
    const md: string = Table.config.renderMarkdown?.call(this, node, helpers, context) ?? '';
    return md.replace(/^\n+|\n+$/g, '');
  },
}).configure({ resizable: false });

/**
 * The document schema's extensions: the one place that defines which nodes and marks a
 * document may hold. Shared by the browser editor, the server's content export and tests, so
 * it must stay importable from Node without a DOM. Undo/redo is left to Collaboration (each
 * person undoes only their own changes), so StarterKit's history is off.
 */
export function schemaExtensions(): AnyExtension[] {
  return [
    StarterKit.configure({
      undoRedo: false,
      heading: { levels: [1, 2, 3] },
      link: {
        openOnClick: false,
        autolink: true,
        defaultProtocol: 'https',
        protocols: ['http', 'https', 'mailto'],
        isAllowedUri: (url) => safeLinkUrl(url) !== null,
      },
    }),
    TaskList,
    TaskItem.configure({ nested: true }),
    TableKit.configure({ table: false }),
    TableNode,
    SafeImage,
  ];
}

let schema: Schema | undefined;

/** The ProseMirror schema of {@link schemaExtensions}, built once per process (or page). */
export function editorSchema(): Schema {
  schema ??= getSchema(schemaExtensions());
  return schema;
}
