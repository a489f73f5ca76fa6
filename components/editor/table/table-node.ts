import { callOrReturn, getExtensionField, mergeAttributes, Node, type AnyExtension, type Editor, type RawCommands } from '@tiptap/core';
import { DOMSerializer, type DOMOutputSpec, type Node as PMNode } from '@tiptap/pm/model';
import { Plugin } from '@tiptap/pm/state';
import type { NodeView } from '@tiptap/pm/view';
import { TableCell } from '@tiptap/extension-table/cell';
import { TableHeader } from '@tiptap/extension-table/header';
import { TableRow } from '@tiptap/extension-table/row';
import { TABLE_COMMANDS, TABLE_SHORTCUTS, TABLE_SLOT, tableEditingFor, loadTableEditing, type TableCommand } from './lazy';

/** Tiptap's default minimum column width (TableOptions.cellMinWidth). */
const CELL_MIN_WIDTH = 25;

/** Tiptap's `<colgroup>` and table width for a table node (its createColGroup). */
function colGroup(node: PMNode): { colgroup?: DOMOutputSpec; width: string; minWidth: string } {
  const row = node.firstChild;
  if (!row) return { width: '', minWidth: '' };
  let total = 0;
  let fixed = true;
  const cols: DOMOutputSpec[] = [];
  for (let i = 0; i < row.childCount; i++) {
    const { colspan, colwidth } = row.child(i).attrs as { colspan: number; colwidth: number[] | null };
    for (let j = 0; j < colspan; j++) {
      const width = colwidth?.[j];
      total += width || CELL_MIN_WIDTH;
      if (!width) fixed = false;
      cols.push(['col', { style: width ? `width: ${Math.max(width, CELL_MIN_WIDTH)}px` : `min-width: ${CELL_MIN_WIDTH}px` }]);
    }
  }
  return { colgroup: ['colgroup', {}, ...cols], width: fixed ? `${total}px` : '', minWidth: fixed ? '' : `${total}px` };
}

/** The column widths a table's colgroup is drawn from: when they change, the table is redrawn. */
const columnsKey = (node: PMNode) => JSON.stringify(node.firstChild ? Array.from({ length: node.firstChild.childCount }, (_, i) => node.firstChild!.child(i).attrs.colwidth ?? node.firstChild!.child(i).attrs.colspan) : []);

/**
 * The table as the editor shows it, like Tiptap's TableView (a `.tableWrapper` around the
 * table, its colgroup kept in step with the columns) but drawn from the node's own HTML: a
 * change of columns redraws the table (small) instead of patching the colgroup in place.
 */
function tableView(node: PMNode): NodeView {
  const { dom: table, contentDOM } = DOMSerializer.renderSpec(document, node.type.spec.toDOM!(node));
  const dom = document.createElement('div');
  dom.className = 'tableWrapper';
  dom.append(table);
  const columns = columnsKey(node);
  return {
    dom,
    contentDOM: contentDOM ?? undefined,
    update: (next) => next.type === node.type && columnsKey(next) === columns,
    ignoreMutation: (m) => !contentDOM?.contains(m.target) && m.type !== 'selection',
  };
}

/**
 * The `table` node with the schema of Tiptap's Table (resizable: false), without its editing
 * code: prosemirror-tables and Tiptap's table commands (about 15 KB gzipped) load when a table
 * first appears in the document or someone inserts one (./lazy.ts). The commands and keys are
 * declared here, in the extension's place, and run the loaded ones; the loaded plugin goes in
 * this extension's place among the editor's plugins (the slot below), as it was.
 */
const LightTable = Node.create({
  name: 'table',
  content: 'tableRow+',
  tableRole: 'table',
  isolating: true,
  group: 'block',
  addOptions: () => ({ HTMLAttributes: {} as Record<string, unknown> }),
  parseHTML: () => [{ tag: 'table' }],
  renderHTML({ node, HTMLAttributes }) {
    const { colgroup, width, minWidth } = colGroup(node);
    const style = (HTMLAttributes.style as string | undefined) ?? (width ? `width: ${width}` : `min-width: ${minWidth}`);
    return ['table', mergeAttributes(this.options.HTMLAttributes, HTMLAttributes, { style }), colgroup, ['tbody', 0]] as DOMOutputSpec;
  },
  addNodeView: () => ({ node }) => tableView(node),
  addCommands() {
    const commands: Record<string, unknown> = {};
    for (const name of TABLE_COMMANDS) {
      commands[name] =
        (...args: unknown[]) =>
        (props: { editor: Editor }) => {
          const loaded = tableEditingFor(props.editor);
          if (!loaded) {
            void loadTableEditing(props.editor);
            return false;
          }
          return (loaded.commands[name as TableCommand] as (...a: unknown[]) => (p: unknown) => boolean)(...args)(props);
        };
    }
    return commands as Partial<RawCommands>;
  },
  addKeyboardShortcuts() {
    const editor = this.editor;
    return Object.fromEntries(TABLE_SHORTCUTS.map((key) => [key, () => tableEditingFor(editor)?.shortcuts[key]?.({ editor }) ?? false]));
  },
  addProseMirrorPlugins() {
    const editor = this.editor;
    return [
      new Plugin({
        key: TABLE_SLOT,
        // A table arriving (typed, pasted, from someone else, or the document opening) loads
        // the table editing code. Only the inserted slices are looked at, not the document.
        appendTransaction(trs) {
          if (tableEditingFor(editor)) return null;
          for (const tr of trs) {
            for (const step of tr.steps) {
              const slice = (step as { slice?: { content: { descendants(f: (n: PMNode) => boolean | void): void } } }).slice;
              let found = false;
              slice?.content.descendants((n) => {
                if (n.type.name === 'table') found = true;
                return !found && !n.isTextblock;
              });
              if (found) {
                void loadTableEditing(editor);
                return null;
              }
            }
          }
          return null;
        },
      }),
    ];
  },
  // Like Tiptap's Table: every node's `tableRole` goes into the schema (prosemirror-tables reads it).
  extendNodeSchema(extension) {
    return { tableRole: callOrReturn(getExtensionField(extension, 'tableRole', { name: extension.name, options: extension.options, storage: extension.storage })) };
  },
});

/** The table nodes the editor page uses: Tiptap's rows and cells, and the table above. */
export function tableNodes(): AnyExtension[] {
  return [TableCell, TableHeader, TableRow, LightTable];
}
