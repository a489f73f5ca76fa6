import type { JSONContent } from '@tiptap/core';
import { MarkdownManager } from '@tiptap/markdown';
import { schemaExtensions } from './extensions';

let manager: MarkdownManager | undefined;
function markdown(): MarkdownManager {
  manager ??= new MarkdownManager({ extensions: schemaExtensions() });
  return manager;
}

/**
 * A character no document text contains (a noncharacter), standing in for "|" inside table
 * cells while serialising: Tiptap's table renderer writes cell text as it is, and a bare pipe
 * would end the cell when the Markdown is read back.
 */
const PIPE = '\uFDD0';

function guardPipes(node: JSONContent, inCell = false): JSONContent {
  const cell = inCell || node.type === 'tableCell' || node.type === 'tableHeader';
  if (node.type === 'text' && cell && node.text?.includes('|')) return { ...node, text: node.text.replaceAll('|', PIPE) };
  return node.content ? { ...node, content: node.content.map((c) => guardPipes(c, cell)) } : node;
}

/** The document (JSON of the editor's schema) as GitHub-flavoured Markdown. */
export function toMarkdown(doc: JSONContent): string {
  // Runs of blank lines are left alone: the parser reads them back as empty paragraphs.
  const text = doc.content?.length ? markdown().serialize(guardPipes(doc)).replaceAll(PIPE, '\\|') : '';
  return text.trim() ? text.trimEnd() + '\n' : '';
}

/**
 * A soft line break in Markdown is a space when rendered, but the parser keeps it as a newline
 * in the text, which the editor would show as a line break (it preserves white space). Code
 * keeps its newlines.
 */
function softBreaks(node: JSONContent): JSONContent {
  if (node.type === 'codeBlock') return node;
  if (node.type === 'text' && node.text?.includes('\n')) return { ...node, text: node.text.replace(/[ \t]*\n[ \t]*/g, ' ') };
  return node.content ? { ...node, content: node.content.map(softBreaks) } : node;
}

const BR = /<br\s*\/?>/i;

/**
 * A Markdown table cell holds one line, so the renderer joins a cell's paragraphs with <br>;
 * reading back, each <br> starts a new paragraph again (the parser leaves it as text).
 */
function cellParagraphs(node: JSONContent): JSONContent {
  if (node.type !== 'tableCell' && node.type !== 'tableHeader') return node.content ? { ...node, content: node.content.map(cellParagraphs) } : node;
  const content = (node.content ?? []).flatMap((block) => {
    if (block.type !== 'paragraph' || !block.content?.some((i) => i.type === 'text' && BR.test(i.text ?? ''))) return [block];
    const paragraphs: JSONContent[][] = [[]];
    for (const inline of block.content) {
      if (inline.type !== 'text') {
        paragraphs.at(-1)!.push(inline);
        continue;
      }
      inline.text!.split(new RegExp(BR, 'gi')).forEach((part, i) => {
        if (i > 0) paragraphs.push([]);
        if (part) paragraphs.at(-1)!.push({ ...inline, text: part });
      });
    }
    return paragraphs.map((c) => ({ type: 'paragraph', ...(c.length && { content: c }) }));
  });
  return { ...node, content };
}

/** Markdown as JSON of the editor's schema (not yet vetted: see sanitizeContent). */
export function fromMarkdown(text: string): JSONContent {
  return cellParagraphs(softBreaks(markdown().parse(text.replaceAll(PIPE, ''))));
}
