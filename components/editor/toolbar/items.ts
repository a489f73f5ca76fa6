import type { Editor } from '@tiptap/core';
import { loadTableEditing } from '../table/lazy';

/** What the toolbar shows as on/off or enabled; read after changes, compared field by field. */
export interface ToolbarState {
  marks: Record<'bold' | 'italic' | 'underline' | 'strike' | 'code' | 'link', boolean>;
  blocks: Record<'h1' | 'h2' | 'h3' | 'bulletList' | 'orderedList' | 'taskList' | 'blockquote' | 'codeBlock', boolean>;
  inTable: boolean;
  canUndo: boolean;
  canRedo: boolean;
}

export function toolbarState(editor: Editor): ToolbarState {
  return {
    marks: {
      bold: editor.isActive('bold'),
      italic: editor.isActive('italic'),
      underline: editor.isActive('underline'),
      strike: editor.isActive('strike'),
      code: editor.isActive('code'),
      link: editor.isActive('link'),
    },
    blocks: {
      h1: editor.isActive('heading', { level: 1 }),
      h2: editor.isActive('heading', { level: 2 }),
      h3: editor.isActive('heading', { level: 3 }),
      bulletList: editor.isActive('bulletList'),
      orderedList: editor.isActive('orderedList'),
      taskList: editor.isActive('taskList'),
      blockquote: editor.isActive('blockquote'),
      codeBlock: editor.isActive('codeBlock'),
    },
    inTable: editor.isActive('table'),
    canUndo: editor.can().undo(),
    canRedo: editor.can().redo(),
  };
}

/** Whether two toolbar states show the same. */
export function sameToolbarState(a: ToolbarState, b: ToolbarState): boolean {
  const same = (x: Record<string, boolean>, y: Record<string, boolean>) => Object.keys(x).every((k) => x[k] === y[k]);
  return same(a.marks, b.marks) && same(a.blocks, b.blocks) && a.inTable === b.inTable && a.canUndo === b.canUndo && a.canRedo === b.canRedo;
}

/** One toolbar button. `keys` are in aria-keyshortcuts form with "Mod" for Ctrl/⌘. */
export interface ToolbarItem {
  key: string;
  label: string;
  glyph: string;
  keys?: string;
  /** Toggle buttons report aria-pressed. */
  pressed?: (s: ToolbarState) => boolean;
  disabled?: (s: ToolbarState) => boolean;
  run: (editor: Editor, open: (dialog: 'link' | 'image') => void) => void;
}

const chain = (e: Editor) => e.chain().focus();

export const GROUPS: ToolbarItem[][] = [
  [
    { key: 'undo', label: 'Undo', glyph: '↶', keys: 'Mod+Z', disabled: (s) => !s.canUndo, run: (e) => chain(e).undo().run() },
    { key: 'redo', label: 'Redo', glyph: '↷', keys: 'Mod+Shift+Z', disabled: (s) => !s.canRedo, run: (e) => chain(e).redo().run() },
  ],
  [
    { key: 'bold', label: 'Bold', glyph: 'B', keys: 'Mod+B', pressed: (s) => s.marks.bold, run: (e) => chain(e).toggleBold().run() },
    { key: 'italic', label: 'Italic', glyph: 'I', keys: 'Mod+I', pressed: (s) => s.marks.italic, run: (e) => chain(e).toggleItalic().run() },
    { key: 'underline', label: 'Underline', glyph: 'U', keys: 'Mod+U', pressed: (s) => s.marks.underline, run: (e) => chain(e).toggleUnderline().run() },
    { key: 'strike', label: 'Strikethrough', glyph: 'S', keys: 'Mod+Shift+S', pressed: (s) => s.marks.strike, run: (e) => chain(e).toggleStrike().run() },
    { key: 'code', label: 'Inline code', glyph: '</>', keys: 'Mod+E', pressed: (s) => s.marks.code, run: (e) => chain(e).toggleCode().run() },
    { key: 'link', label: 'Link', glyph: '🔗', keys: 'Mod+K', pressed: (s) => s.marks.link, run: (_e, open) => open('link') },
  ],
  [
    { key: 'h1', label: 'Heading 1', glyph: 'H1', keys: 'Mod+Alt+1', pressed: (s) => s.blocks.h1, run: (e) => chain(e).toggleHeading({ level: 1 }).run() },
    { key: 'h2', label: 'Heading 2', glyph: 'H2', keys: 'Mod+Alt+2', pressed: (s) => s.blocks.h2, run: (e) => chain(e).toggleHeading({ level: 2 }).run() },
    { key: 'h3', label: 'Heading 3', glyph: 'H3', keys: 'Mod+Alt+3', pressed: (s) => s.blocks.h3, run: (e) => chain(e).toggleHeading({ level: 3 }).run() },
  ],
  [
    { key: 'bulletList', label: 'Bulleted list', glyph: '•', keys: 'Mod+Shift+8', pressed: (s) => s.blocks.bulletList, run: (e) => chain(e).toggleBulletList().run() },
    { key: 'orderedList', label: 'Numbered list', glyph: '1.', keys: 'Mod+Shift+7', pressed: (s) => s.blocks.orderedList, run: (e) => chain(e).toggleOrderedList().run() },
    { key: 'taskList', label: 'Task list', glyph: '☑', keys: 'Mod+Shift+9', pressed: (s) => s.blocks.taskList, run: (e) => chain(e).toggleTaskList().run() },
    { key: 'blockquote', label: 'Quote', glyph: '❝', keys: 'Mod+Shift+B', pressed: (s) => s.blocks.blockquote, run: (e) => chain(e).toggleBlockquote().run() },
    { key: 'codeBlock', label: 'Code block', glyph: '{ }', keys: 'Mod+Alt+C', pressed: (s) => s.blocks.codeBlock, run: (e) => chain(e).toggleCodeBlock().run() },
    { key: 'hr', label: 'Horizontal line', glyph: '―', run: (e) => chain(e).setHorizontalRule().run() },
  ],
  [
    { key: 'image', label: 'Image', glyph: '🖼', run: (_e, open) => open('image') },
    // Table editing loads on first use (components/editor/table/lazy.ts).
    { key: 'table', label: 'Insert table', glyph: '▦', run: (e) => void loadTableEditing(e).then((t) => t && chain(e).insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run()) },
  ],
];

/** Shown only while the caret is in a table. */
export const TABLE_ITEMS: ToolbarItem[] = [
  { key: 'rowAfter', label: 'Add row below', glyph: '+Row', run: (e) => chain(e).addRowAfter().run() },
  { key: 'colAfter', label: 'Add column right', glyph: '+Col', run: (e) => chain(e).addColumnAfter().run() },
  { key: 'rowDelete', label: 'Delete row', glyph: '−Row', run: (e) => chain(e).deleteRow().run() },
  { key: 'colDelete', label: 'Delete column', glyph: '−Col', run: (e) => chain(e).deleteColumn().run() },
  { key: 'tableDelete', label: 'Delete table', glyph: '✕▦', run: (e) => chain(e).deleteTable().run() },
];

/** "Mod+Shift+S" as this platform writes it, for tooltips and aria-keyshortcuts. */
export function shortcutText(keys: string, mac: boolean): { tooltip: string; aria: string } {
  const parts = keys.split('+');
  const aria = parts.map((p) => (p === 'Mod' ? (mac ? 'Meta' : 'Control') : p)).join('+');
  const tooltip = mac
    ? parts.map((p) => ({ Mod: '⌘', Shift: '⇧', Alt: '⌥' })[p] ?? p).join('')
    : parts.map((p) => (p === 'Mod' ? 'Ctrl' : p)).join('+');
  return { tooltip, aria };
}
