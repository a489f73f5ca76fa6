import { getSchema, type AnyExtension } from '@tiptap/core';
import type { Schema } from '@tiptap/pm/model';
import { Link } from '@tiptap/extension-link';
import { Table, TableKit } from '@tiptap/extension-table';
import { schemaExtensionsWith } from './schema-base';
import { safeLinkUrl } from './urls';

/** The Yjs fragment Tiptap's Collaboration extension uses by default; other clients rely on it. */
export const FRAGMENT = 'default';

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

/** Links as the schema defines them; the editor page's LinkMark must match (a test compares). */
const LinkMark = Link.configure({
  openOnClick: false,
  autolink: true,
  defaultProtocol: 'https',
  protocols: ['http', 'https', 'mailto'],
  isAllowedUri: (url) => safeLinkUrl(url) !== null,
});

/**
 * The document schema's extensions: the one place that defines which nodes and marks a
 * document may hold. Shared by the server's content export, Markdown, version previews and
 * tests, so it must stay importable from Node without a DOM. The editor page builds the same
 * schema with a lighter link mark and table nodes (components/editor/).
 */
export function schemaExtensions(): AnyExtension[] {
  return schemaExtensionsWith(LinkMark, [TableKit.configure({ table: false }), TableNode]);
}

let schema: Schema | undefined;

/** The ProseMirror schema of {@link schemaExtensions}, built once per process (or page). */
export function editorSchema(): Schema {
  schema ??= getSchema(schemaExtensions());
  return schema;
}
