import type { AnyExtension } from '@tiptap/core';
import { Blockquote } from '@tiptap/extension-blockquote';
import { Bold } from '@tiptap/extension-bold';
import { Code } from '@tiptap/extension-code';
import { CodeBlock } from '@tiptap/extension-code-block';
import { Document } from '@tiptap/extension-document';
import { HardBreak } from '@tiptap/extension-hard-break';
import { Heading } from '@tiptap/extension-heading';
import { HorizontalRule } from '@tiptap/extension-horizontal-rule';
import { Italic } from '@tiptap/extension-italic';
import { BulletList, ListItem, ListKeymap, OrderedList, TaskItem, TaskList } from '@tiptap/extension-list';
import { Paragraph } from '@tiptap/extension-paragraph';
import { Strike } from '@tiptap/extension-strike';
import { Text } from '@tiptap/extension-text';
import { Underline } from '@tiptap/extension-underline';
import { Dropcursor } from '@tiptap/extensions/drop-cursor';
import { Gapcursor } from '@tiptap/extensions/gap-cursor';
import { TrailingNode } from '@tiptap/extensions/trailing-node';
import { SafeImage } from './image';

/**
 * Everything in the schema but tables: StarterKit's extensions in StarterKit's order (so plugin
 * and keymap order are as they were) without its undo history, which Collaboration replaces
 * (each person undoes only their own changes). Listed one by one rather than through
 * StarterKit, whose bundle also carries the history plugin and the unused extensions of
 * @tiptap/extensions (placeholder, character count…) into the page. Browser-safe: the editor
 * page uses it with its own table nodes (components/editor/table/).
 */
function baseExtensions(link: AnyExtension): AnyExtension[] {
  return [
    Bold,
    Blockquote,
    BulletList,
    Code,
    CodeBlock,
    Document,
    Dropcursor,
    Gapcursor,
    HardBreak,
    Heading.configure({ levels: [1, 2, 3] }),
    HorizontalRule,
    Italic,
    ListItem,
    ListKeymap,
    link,
    OrderedList,
    Paragraph,
    Strike,
    Text,
    Underline,
    TrailingNode,
    TaskList,
    TaskItem.configure({ nested: true }),
  ];
}

/**
 * The schema's extensions around the given link mark and table extensions, in the schema's
 * order (images last). The server and tools pass Tiptap's Link and full table extensions
 * (lib/editor/extensions.ts); the editor page passes a lighter mark and nodes with the same
 * schema (components/editor/link-mark.ts, components/editor/table/).
 */
export function schemaExtensionsWith(link: AnyExtension, tables: AnyExtension[]): AnyExtension[] {
  return [...baseExtensions(link), ...tables, SafeImage];
}
