import { getSchema } from '@tiptap/core';
import { generateHTML, generateJSON } from '@tiptap/html';
import type { Schema } from '@tiptap/pm/model';
import { describe, expect, it } from 'vitest';
import { editorSchema, schemaExtensions } from '@/lib/editor/extensions';
import { schemaExtensionsWith } from '@/lib/editor/schema-base';
import { LinkMark } from '../link-mark';
import { tableNodes } from './table-node';

/** What a schema says about each node and mark, in order. */
function describeSchema(schema: Schema) {
  const attrs = (spec: { attrs?: Record<string, { default?: unknown }> }) => Object.entries(spec.attrs ?? {}).map(([k, a]) => [k, a.default]);
  return {
    nodes: Object.entries(schema.nodes).map(([name, t]) => {
      const { content, group, marks, isolating, defining, code, atom, inline, draggable, selectable, whitespace } = t.spec;
      return { name, content, group, marks, isolating, defining, code, atom, inline, draggable, selectable, whitespace, tableRole: (t.spec as { tableRole?: string }).tableRole, attrs: attrs(t.spec) };
    }),
    marks: Object.entries(schema.marks).map(([name, t]) => ({ name, inclusive: t.spec.inclusive, excludes: t.spec.excludes, attrs: attrs(t.spec) })),
  };
}

const table = {
  type: 'table',
  content: [
    // One column with a width, one without: both ways of writing a column.
    { type: 'tableRow', content: ['A', 'B'].map((t) => ({ type: 'tableHeader', attrs: { colwidth: t === 'A' ? [120] : null }, content: [{ type: 'paragraph', content: [{ type: 'text', text: t }] }] })) },
    { type: 'tableRow', content: ['1', '2'].map((t) => ({ type: 'tableCell', content: [{ type: 'paragraph', content: [{ type: 'text', text: t }] }] })) },
  ],
};
const doc = { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'before' }] }, table] };

describe("the editor page's table nodes", () => {
  const light = schemaExtensionsWith(LinkMark, tableNodes());

  it('make the same schema as Tiptap’s table extensions', () => {
    expect(describeSchema(getSchema(light))).toEqual(describeSchema(editorSchema()));
  });

  it('write and read tables as the same HTML (copy and paste between the two)', () => {
    const html = generateHTML(doc, schemaExtensions());
    expect(generateHTML(doc, light)).toBe(html);
    expect(html).toContain('<colgroup>');
    expect(generateJSON(html, light)).toEqual(generateJSON(html, schemaExtensions()));
  });
});
