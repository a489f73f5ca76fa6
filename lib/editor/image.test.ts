import { getSchema, mergeAttributes, type AnyExtension } from '@tiptap/core';
import Image from '@tiptap/extension-image';
import { generateHTML, generateJSON } from '@tiptap/html';
import { MarkdownManager } from '@tiptap/markdown';
import StarterKit from '@tiptap/starter-kit';
import { describe, expect, it } from 'vitest';
import { SafeImage } from './image';
import { safeImageUrl } from './urls';

/** What this app used before image.ts: Tiptap's Image with the same URL rules. */
const TiptapSafeImage = Image.extend({
  addAttributes() {
    return { ...this.parent?.(), src: { default: null, parseHTML: (el: HTMLElement) => safeImageUrl(el.getAttribute('src')) } };
  },
  parseHTML() {
    return [{ tag: 'img[src]', getAttrs: (el: HTMLElement) => (safeImageUrl(el.getAttribute('src')) ? null : false) }];
  },
  renderHTML({ HTMLAttributes }) {
    const src = safeImageUrl(HTMLAttributes.src as string | undefined);
    return ['img', mergeAttributes(this.options.HTMLAttributes, { ...HTMLAttributes, src: src ?? undefined })];
  },
}).configure({ inline: false, allowBase64: false });

const ours: AnyExtension[] = [StarterKit, SafeImage];
const tiptaps: AnyExtension[] = [StarterKit, TiptapSafeImage];
const doc = {
  type: 'doc',
  content: [
    { type: 'image', attrs: { src: 'https://example.com/a.png', alt: 'A', title: 'T', width: 10, height: 20 } },
    { type: 'image', attrs: { src: 'https://example.com/b.png', alt: 'B' } },
    { type: 'image', attrs: { src: 'javascript:alert(1)' } },
  ],
};

describe('the image node', () => {
  it('has the schema of Tiptap’s Image', () => {
    const spec = (exts: AnyExtension[]) => {
      const { spec } = getSchema(exts).nodes.image;
      return { ...spec, attrs: Object.entries(spec.attrs ?? {}).map(([k, a]) => [k, a.default]), parseDOM: undefined, toDOM: undefined };
    };
    expect(spec(ours)).toEqual(spec(tiptaps));
  });

  it('reads and writes HTML and Markdown as Tiptap’s Image did', () => {
    const html = generateHTML(doc, tiptaps);
    expect(generateHTML(doc, ours)).toBe(html);
    const pasted = '<img src="https://example.com/c.png" alt="C" title="t"><img src="data:image/png;base64,AAAA"><img src="javascript:x">';
    expect(generateJSON(pasted, ours)).toEqual(generateJSON(pasted, tiptaps));
    const md = (exts: AnyExtension[]) => new MarkdownManager({ extensions: exts });
    expect(md(ours).serialize(doc)).toBe(md(tiptaps).serialize(doc));
    const text = '![a cat](https://example.com/cat.png "Cat")\n\n![](https://example.com/x.png)';
    expect(md(ours).parse(text)).toEqual(md(tiptaps).parse(text));
  });
});
