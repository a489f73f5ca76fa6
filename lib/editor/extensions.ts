import { getSchema, type AnyExtension } from '@tiptap/core';
import type { Schema } from '@tiptap/pm/model';
import { Table, TableKit } from '@tiptap/extension-table';
import { schemaExtensionsWith } from './schema-base';

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

/**
 * The document schema's extensions: the one place that defines which nodes and marks a
 * document may hold. Shared by the server's content export, Markdown, version previews and
 * tests, so it must stay importable from Node without a DOM. The editor page builds the same
 * schema with lighter table nodes (components/editor/table/).
 */
export function schemaExtensions(): AnyExtension[] {
  return schemaExtensionsWith([TableKit.configure({ table: false }), TableNode]);
}

let schema: Schema | undefined;

/** The ProseMirror schema of {@link schemaExtensions}, built once per process (or page). */
export function editorSchema(): Schema {
  schema ??= getSchema(schemaExtensions());
  return schema;
}
