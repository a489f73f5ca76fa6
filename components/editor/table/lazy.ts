import type { Editor, KeyboardShortcutCommand, RawCommands } from '@tiptap/core';
import { PluginKey } from '@tiptap/pm/state';

/** Marks the table node's place among the editor's plugins, where the loaded plugin goes. */
export const TABLE_SLOT = new PluginKey('tableEditingSlot');

/** Tiptap's table commands (Table.addCommands), declared by the light table node. */
export const TABLE_COMMANDS = [
  'insertTable',
  'addColumnBefore',
  'addColumnAfter',
  'deleteColumn',
  'addRowBefore',
  'addRowAfter',
  'deleteRow',
  'deleteTable',
  'mergeCells',
  'splitCell',
  'toggleHeaderColumn',
  'toggleHeaderRow',
  'toggleHeaderCell',
  'mergeOrSplit',
  'setCellAttribute',
  'goToNextCell',
  'goToPreviousCell',
  'fixTables',
  'setCellSelection',
] as const;
export type TableCommand = (typeof TABLE_COMMANDS)[number];

/** Tiptap's table keys (Table.addKeyboardShortcuts). */
export const TABLE_SHORTCUTS = ['Tab', 'Shift-Tab', 'Backspace', 'Mod-Backspace', 'Delete', 'Mod-Delete'] as const;

export interface TableEditing {
  commands: Pick<RawCommands, TableCommand>;
  shortcuts: Partial<Record<(typeof TABLE_SHORTCUTS)[number], KeyboardShortcutCommand>>;
}

const loaded = new WeakMap<Editor, TableEditing>();
const loading = new WeakMap<Editor, Promise<TableEditing | null>>();

/** The table editing of this editor, if it has been loaded. */
export function tableEditingFor(editor: Editor): TableEditing | undefined {
  return loaded.get(editor);
}

/**
 * Loads Tiptap's table editing for this editor (once) and installs it: its plugin
 * (prosemirror-tables' cell selection, keys and table repair) in the table node's place, then
 * the repair any tables already in the document get when that plugin sees them. Resolves with
 * null if the code could not be loaded (offline before it was ever fetched) or the editor is gone.
 */
export function loadTableEditing(editor: Editor): Promise<TableEditing | null> {
  let pending = loading.get(editor);
  if (!pending) {
    pending = import('./editing')
      .then(({ tableEditing }) => {
        if (editor.isDestroyed) return null;
        const t = tableEditing(editor);
        loaded.set(editor, t);
        return t;
      })
      .catch(() => {
        // Try again on the next table or command.
        loading.delete(editor);
        return null;
      });
    loading.set(editor, pending);
  }
  return pending;
}
