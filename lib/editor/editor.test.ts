import { getSchema } from '@tiptap/core';
import { describe, expect, it } from 'vitest';
import { schemaExtensions } from './extensions';
import { looksLikeMarkdown, sanitizeContent } from './sanitize';
import { normalizeLinkInput, safeImageUrl, safeLinkUrl } from './urls';

describe('URL rules', () => {
  it('allows web and mail links only', () => {
    expect(safeLinkUrl('https://example.com/a?b=1')).toBe('https://example.com/a?b=1');
    expect(safeLinkUrl('http://example.com')).toBe('http://example.com/');
    expect(safeLinkUrl('mailto:a@example.com')).toBe('mailto:a@example.com');
    for (const bad of ['javascript:alert(1)', ' JaVaScRiPt:alert(1)', 'data:text/html,<b>x</b>', 'file:///etc/passwd', '/relative', 'vbscript:x', '', null]) {
      expect(safeLinkUrl(bad)).toBeNull();
    }
  });

  it('allows http(s) images only', () => {
    expect(safeImageUrl('https://example.com/cat.png')).toBe('https://example.com/cat.png');
    expect(safeImageUrl('mailto:a@example.com')).toBeNull();
    expect(safeImageUrl('data:image/png;base64,AAAA')).toBeNull();
    expect(safeImageUrl('javascript:alert(1)')).toBeNull();
  });

  it('reads what people type into the link field', () => {
    expect(normalizeLinkInput('example.com')).toBe('https://example.com/');
    expect(normalizeLinkInput('ada@example.com')).toBe('mailto:ada@example.com');
    expect(normalizeLinkInput('javascript:alert(1)')).toBeNull();
    expect(normalizeLinkInput('  ')).toBeNull();
  });
});

describe('the schema', () => {
  const schema = getSchema(schemaExtensions());

  it('holds every node and mark the toolbar offers, and no history', () => {
    for (const n of ['heading', 'bulletList', 'orderedList', 'taskList', 'taskItem', 'blockquote', 'codeBlock', 'horizontalRule', 'table', 'tableRow', 'tableCell', 'tableHeader', 'image']) {
      expect(schema.nodes[n], n).toBeDefined();
    }
    for (const m of ['bold', 'italic', 'underline', 'strike', 'code', 'link']) expect(schema.marks[m], m).toBeDefined();
    expect(schemaExtensions().map((e) => e.name)).not.toContain('undoRedo');
  });

  it('never renders an image or link with a disallowed URL, even from another client', () => {
    const img = schema.nodes.image.create({ src: 'javascript:alert(1)' });
    const spec = schema.nodes.image.spec.toDOM!(img) as [string, Record<string, unknown>];
    expect(spec[0]).toBe('img');
    expect(spec[1].src).toBeUndefined();
    const ok = schema.nodes.image.create({ src: 'https://example.com/a.png' });
    expect((schema.nodes.image.spec.toDOM!(ok) as [string, Record<string, unknown>])[1].src).toBe('https://example.com/a.png');
    const link = schema.marks.link.create({ href: 'javascript:alert(1)' });
    const linkSpec = schema.marks.link.spec.toDOM!(link, true) as [string, Record<string, unknown>];
    expect(String(linkSpec[1].href ?? '')).not.toContain('javascript');
  });
});

describe('sanitizeContent', () => {
  it('drops unsafe images and unlinks unsafe links, keeping the text', () => {
    const out = sanitizeContent({
      type: 'doc',
      content: [
        { type: 'image', attrs: { src: 'javascript:alert(1)' } },
        { type: 'image', attrs: { src: 'https://example.com/ok.png' } },
        {
          type: 'paragraph',
          content: [
            { type: 'text', text: 'bad', marks: [{ type: 'link', attrs: { href: 'javascript:alert(1)' } }, { type: 'bold' }] },
            { type: 'text', text: 'good', marks: [{ type: 'link', attrs: { href: 'https://example.com' } }] },
          ],
        },
      ],
    });
    expect(out?.content).toHaveLength(2);
    expect(out?.content?.[0].attrs?.src).toBe('https://example.com/ok.png');
    const [bad, good] = out!.content![1].content!;
    expect(bad.text).toBe('bad');
    expect(bad.marks).toEqual([{ type: 'bold' }]);
    expect(good.marks?.[0].attrs?.href).toBe('https://example.com/');
  });
});

describe('looksLikeMarkdown', () => {
  it('spots Markdown and leaves prose alone', () => {
    for (const md of ['# Title', '- one\n- two', '1. first', '> quote', '```\ncode\n```', 'some **bold** text', 'a [link](https://x.y)', '- [ ] task']) {
      expect(looksLikeMarkdown(md), md).toBe(true);
    }
    for (const prose of ['Just a sentence.', 'Price: 3 * 4 = 12', 'email me at a@b.c']) expect(looksLikeMarkdown(prose), prose).toBe(false);
  });
});
