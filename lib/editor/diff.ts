import { diffArrays } from 'diff';
import type { Node as PMNode } from '@tiptap/pm/model';

/** One comparable piece of a document: a word, a run of spaces, a block start or a leaf. */
interface Token {
  /** What is compared: the text plus its marks and, for block starts, the block's type and attributes. */
  key: string;
  /** What is shown for it when it is only in the other document. */
  text: string;
  from: number;
  to: number;
  /** The start of a text block (its content begins at from + 1). */
  block?: true;
}

export interface DocDiff {
  /** Ranges of `version` (document positions) that the current document does not have. */
  added: { from: number; to: number }[];
  /** Text the current document has and `version` does not, with where it would sit in `version`. */
  removed: { at: number; text: string }[];
  /** Blocks of `version` whose type or attributes differ (a paragraph that became a heading). */
  changedBlocks: { from: number; to: number }[];
}

const WORDS = /\s+|[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu;

function tokens(doc: PMNode): Token[] {
  const out: Token[] = [];
  doc.descendants((node, pos) => {
    if (node.isTextblock || (node.isLeaf && node.isBlock)) {
      const attrs = JSON.stringify(node.attrs);
      if (node.isTextblock) out.push({ key: `¶${node.type.name}${attrs}`, text: '\n', from: pos, to: pos + node.nodeSize, block: true });
      else out.push({ key: `▣${node.type.name}${attrs}`, text: `[${node.attrs.alt || node.attrs.src || node.type.name}]`, from: pos, to: pos + node.nodeSize });
      if (!node.isTextblock) return false;
    }
    if (node.isText) {
      const marks = node.marks.map((m) => m.type.name + JSON.stringify(m.attrs)).join(',');
      for (const m of node.text!.matchAll(WORDS)) {
        const from = pos + m.index;
        out.push({ key: `${m[0]}\u0001${marks}`, text: m[0], from, to: from + m[0].length });
      }
    } else if (node.isInline && node.isLeaf) {
      out.push({ key: `⏎${node.type.name}`, text: '\n', from: pos, to: pos + 1 });
    }
    return true;
  });
  return out;
}

/** Where text following a token goes: inside a block that just started, else after the token. */
const end = (t: Token) => (t.block ? t.from + 1 : t.to);

/**
 * How a version differs from the current document, word by word, in the version's positions,
 * so the version can be shown with what restoring it would bring back (`added`) and take away
 * (`removed`). Undefined when the documents differ too much to say in reasonable time.
 */
export function diffDocs(current: PMNode, version: PMNode, maxEditLength = 20000): DocDiff | undefined {
  const before = tokens(current);
  const after = tokens(version);
  const changes = diffArrays(before.map((t) => t.key), after.map((t) => t.key), { maxEditLength });
  if (!changes) return undefined;
  const diff: DocDiff = { added: [], removed: [], changedBlocks: [] };
  let i = 0; // index in before
  let j = 0; // index in after
  let at = after[0] ? end(after[0]) : 0;
  for (const c of changes) {
    if (c.added) {
      for (const t of after.slice(j, j + c.count)) (t.block ? diff.changedBlocks : diff.added).push({ from: t.from, to: t.to });
      j += c.count;
      at = end(after[j - 1]);
    } else if (c.removed) {
      // Words from several blocks are shown on separate lines; the first block break is where the text sits.
      const text = before.slice(i, i + c.count).map((t) => t.text).join('').replace(/^\n+|\n+$/g, '');
      if (text.trim()) diff.removed.push({ at, text });
      i += c.count;
    } else {
      i += c.count;
      j += c.count;
      at = end(after[j - 1]);
    }
  }
  return diff;
}
