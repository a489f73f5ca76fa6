import type { Editor, KeyboardShortcutCommand, RawCommands } from '@tiptap/core';
import { Table } from '@tiptap/extension-table/table';
import { fixTables } from '@tiptap/pm/tables';
import { TABLE_SLOT, type TableEditing } from './lazy';

/**
 * Tiptap's own table editing (its Table extension with resizable: false, as the schema in
 * lib/editor/extensions.ts configures it), taken from the extension rather than rewritten: its
 * commands and keys, called through the light table node, and its plugin (prosemirror-tables'
 * tableEditing), put in the light node's place among the editor's plugins. Loaded on demand by
 * ./lazy.ts.
 */
export function tableEditing(editor: Editor): TableEditing {
  const context = { name: Table.name, options: Table.options, storage: {}, editor, type: editor.schema.nodes.table, parent: undefined };
  const commands = Table.config.addCommands!.call(context as never) as Pick<RawCommands, 'insertTable'> as TableEditing['commands'];
  const shortcuts = Table.config.addKeyboardShortcuts!.call(context as never) as Record<string, KeyboardShortcutCommand>;
  const plugins = Table.config.addProseMirrorPlugins!.call(context as never);
  for (const plugin of plugins) {
    editor.registerPlugin(plugin, (p, all) => {
      const at = all.findIndex((q) => q.spec.key === TABLE_SLOT);
      return at < 0 ? [...all, p] : [...all.slice(0, at + 1), p, ...all.slice(at + 1)];
    });
  }
  // The plugin repairs the tables of each change it sees; those already here get it now.
  const repair = editor.isEditable ? fixTables(editor.state) : undefined;
  if (repair) editor.view.dispatch(repair);
  return { commands, shortcuts };
}
