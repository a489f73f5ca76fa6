import { getSchema } from '@tiptap/core';
import { generateHTML, generateJSON } from '@tiptap/html';
import { describe, expect, it } from 'vitest';
import { editorSchema, schemaExtensions } from '@/lib/editor/extensions';
import { schemaExtensionsWith } from '@/lib/editor/schema-base';
import { LinkMark } from './link-mark';
import { tableNodes } from './table/table-node';

const light = schemaExtensionsWith(LinkMark, tableNodes());
const linked = (text: string, attrs: Record<string, unknown>) => ({ type: 'text', text, marks: [{ type: 'link', attrs }] });

describe("the editor page's link mark", () => {
  it('makes the same link mark as Tiptap’s Link (attributes, defaults, inclusiveness)', () => {
    const spec = (s: ReturnType<typeof getSchema>) => {
      const m = s.marks.link.spec;
      return { inclusive: m.inclusive, excludes: m.excludes, attrs: Object.entries(m.attrs ?? {}).map(([k, a]) => [k, a.default]), order: Object.keys(s.marks) };
    };
    expect(spec(getSchema(light))).toEqual(spec(editorSchema()));
  });

  it('writes the same HTML, and an unsafe stored address as an empty href', () => {
    const doc = {
      type: 'doc',
      content: [{ type: 'paragraph', content: [linked('safe', { href: 'https://example.com/a' }), { type: 'text', text: ' ' }, linked('bad', { href: 'javascript:alert(1)' }), { type: 'text', text: ' ' }, linked('mail', { href: 'mailto:ada@example.com', title: 'Ada' })] }],
    };
    const html = generateHTML(doc, schemaExtensions());
    expect(generateHTML(doc, light)).toBe(html);
    expect(html).toContain('<a target="_blank" rel="noopener noreferrer nofollow" href="https://example.com/a">safe</a>');
    expect(html).toContain('href=""');
  });

  it('reads the same HTML: allowed links keep their address, javascript: and relative ones drop the mark', () => {
    const html = '<p><a href="https://example.com/x" title="t">a</a> <a href="javascript:alert(1)">b</a> <a href="/admin">c</a> <a href="mailto:ada@example.com">d</a></p>';
    const json = generateJSON(html, light);
    expect(json).toEqual(generateJSON(html, schemaExtensions()));
    const marks = json.content[0].content.filter((n: { marks?: unknown[] }) => n.marks).map((n: { text: string; marks: { attrs: { href: string } }[] }) => [n.text, n.marks[0].attrs.href]);
    expect(marks).toEqual([
      ['a', 'https://example.com/x'],
      ['d', 'mailto:ada@example.com'],
    ]);
  });
});
