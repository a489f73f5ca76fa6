import type { JSONContent } from '@tiptap/core';
import type { Node as PMNode } from '@tiptap/pm/model';
import { prosemirrorToYXmlFragment } from '@tiptap/y-tiptap';
import * as Y from 'yjs';
import { editorSchema, FRAGMENT } from '../../editor/extensions';
import { sanitizeContent } from '../../editor/sanitize';
import { fromHtml } from './html';
import { fromMarkdown } from '../../editor/markdown';
import { MAX_IMPORT_BYTES } from '../import-limits';

export type ImportFormat = 'markdown' | 'html';

export { MAX_IMPORT_BYTES };
/** Deeper nesting (lists in lists in quotes …) than any real document has; refused. */
export const MAX_IMPORT_DEPTH = 64;

const NAMES: Record<ImportFormat, string> = { markdown: 'Markdown', html: 'HTML' };

/** Why a file cannot be imported; `tooLarge` maps to 413, everything else to 400. */
export class ImportError extends Error {
  constructor(
    message: string,
    readonly tooLarge = false,
  ) {
    super(message);
    this.name = 'ImportError';
  }
}

function depth(node: JSONContent): number {
  let deepest = 0;
  for (const c of node.content ?? []) deepest = Math.max(deepest, depth(c));
  return deepest + 1;
}

function hasContent(node: PMNode): boolean {
  let found = false;
  node.descendants((n) => {
    if (found) return false;
    if ((n.isText && n.text!.trim()) || (n.isLeaf && !n.isText && n.type.name !== 'hardBreak')) found = true;
    return !found;
  });
  return found;
}

/**
 * Reads a Markdown or HTML file into a document of the editor's schema, with the same vetting
 * as a paste (URLs outside http(s)/mailto dropped). Throws {@link ImportError} with a message
 * meant for the person importing.
 */
export function parseImport(content: string, format: ImportFormat): PMNode {
  const name = NAMES[format];
  const bytes = Buffer.byteLength(content, 'utf8');
  if (bytes > MAX_IMPORT_BYTES) throw new ImportError(`The file is too large to import (${(bytes / 1048576).toFixed(1)} MiB; at most 2 MiB).`, true);
  if (content.includes('\u0000')) throw new ImportError(`This is not a ${name} file: it contains binary data.`);
  const schema = editorSchema();
  let node: PMNode;
  try {
    if (!content.trim()) return schema.nodeFromJSON({ type: 'doc', content: [{ type: 'paragraph' }] });
    const json = format === 'markdown' ? fromMarkdown(content) : fromHtml(content);
    if (depth(json) > MAX_IMPORT_DEPTH) throw new ImportError(`The ${name} file is nested too deeply to import (more than ${MAX_IMPORT_DEPTH} levels).`);
    node = schema.nodeFromJSON(sanitizeContent(json));
    node.check();
  } catch (e) {
    if (e instanceof ImportError) throw e;
    // A stack overflow on absurd nesting, or content the schema cannot hold.
    throw new ImportError(`The ${name} file could not be read: ${e instanceof RangeError && /call stack/i.test(e.message) ? 'it is nested too deeply' : 'its structure is not valid'}.`);
  }
  if (!hasContent(node)) throw new ImportError(`Nothing in the ${name} file could be imported: it has no text, images or other content Tandem supports.`);
  return node;
}

/** The Yjs update that makes an empty document hold `node`, as the editor would store it. */
export function seedUpdate(node: PMNode): Uint8Array {
  const doc = new Y.Doc();
  prosemirrorToYXmlFragment(node, doc.getXmlFragment(FRAGMENT));
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}

/** A title from the document's first heading (or first line), for imports without one. */
export function titleFrom(node: PMNode): string | undefined {
  let title: string | undefined;
  node.descendants((n) => {
    if (title !== undefined) return false;
    if (n.isTextblock && n.textContent.trim()) title = n.textContent.trim().slice(0, 200);
    return title === undefined;
  });
  return title;
}
