import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JSONContent } from '@tiptap/core';
import type { Node as PMNode } from '@tiptap/pm/model';
import { describe, expect, it } from 'vitest';
import { editorSchema } from '../../editor/extensions';
import { fromHtml, toHtmlFragment } from './html';
import { fromMarkdown, toMarkdown } from '../../editor/markdown';

const schema = editorSchema();
const dir = join(import.meta.dirname, '../../../test/corpus');
const corpus = readdirSync(dir).filter((f) => f.endsWith('.md')).map((f) => ({ name: f, text: readFileSync(join(dir, f), 'utf8') }));
const node = (json: JSONContent): PMNode => schema.nodeFromJSON(json);

function used(n: PMNode, nodes: Set<string>, marks: Set<string>) {
  n.descendants((d) => {
    nodes.add(d.type.name);
    for (const m of d.marks) marks.add(m.type.name);
  });
}

describe('Markdown and HTML round trips over the corpus', () => {
  it('the corpus uses every node and mark of the schema', () => {
    const nodes = new Set<string>(['doc']);
    const marks = new Set<string>();
    for (const c of corpus) used(node(fromMarkdown(c.text)), nodes, marks);
    expect([...nodes].sort()).toEqual(Object.keys(schema.nodes).sort());
    expect([...marks].sort()).toEqual(Object.keys(schema.marks).sort());
  });

  for (const c of corpus) {
    it(`${c.name}: Markdown → document → Markdown keeps the document`, () => {
      const doc = node(fromMarkdown(c.text));
      doc.check();
      const md = toMarkdown(doc.toJSON());
      const again = node(fromMarkdown(md));
      expect(again.toJSON()).toEqual(doc.toJSON());
      // The exported text is canonical: exporting the re-read document gives it back unchanged.
      expect(toMarkdown(again.toJSON())).toBe(md);
    });

    it(`${c.name}: document → HTML → document keeps the document`, () => {
      const doc = node(fromMarkdown(c.text));
      const back = node(fromHtml(toHtmlFragment(doc.toJSON())));
      expect(back.toJSON()).toEqual(doc.toJSON());
    });
  }
});
