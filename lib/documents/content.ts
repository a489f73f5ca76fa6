import 'server-only';
import type { Node as PMNode } from '@tiptap/pm/model';
import { yXmlFragmentToProseMirrorRootNode } from '@tiptap/y-tiptap';
import * as Y from 'yjs';
import { editorSchema, FRAGMENT } from '../editor/extensions';

/** Builds the document from its stored updates, as the editor would show it. */
export function documentNode(updates: Uint8Array[]): PMNode {
  const doc = new Y.Doc();
  doc.transact(() => {
    for (const u of updates) Y.applyUpdate(doc, u);
  });
  const node = yXmlFragmentToProseMirrorRootNode(doc.getXmlFragment(FRAGMENT), editorSchema());
  doc.destroy();
  return node;
}

/** Plain text: one line per text block, blank-line separated paragraphs kept as typed. */
export function toPlainText(node: PMNode): string {
  const lines: string[] = [];
  node.descendants((n) => {
    if (n.isTextblock) {
      lines.push(n.textBetween(0, n.content.size, undefined, (leaf) => (leaf.type.name === 'hardBreak' ? '\n' : '')));
      return false;
    }
    if (n.type.name === 'horizontalRule') lines.push('---');
    return true;
  });
  return lines.join('\n');
}
