import type { AnyExtension } from '@tiptap/core';
import StarterKit from '@tiptap/starter-kit';

/** The Yjs fragment Tiptap's Collaboration extension uses by default; other clients rely on it. */
export const FRAGMENT = 'default';

/**
 * The document schema's extensions, shared by the browser editor and the server's content
 * export so both read the same nodes and marks. Undo/redo is left to Collaboration.
 */
export function schemaExtensions(): AnyExtension[] {
  return [StarterKit.configure({ undoRedo: false })];
}
