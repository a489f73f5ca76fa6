import { mergeAttributes, Node, nodeInputRule } from '@tiptap/core';
import { safeImageUrl } from './urls';

declare module '@tiptap/core' {
  interface Commands<ReturnType> {
    image: {
      /** Inserts an image at the selection. */
      setImage: (options: { src: string; alt?: string; title?: string; width?: number; height?: number }) => ReturnType;
    };
  }
}

/** `![alt](src "title")` typed at the end of a line, as Tiptap's Image reads it. */
const INPUT = /(?:^|\s)(!\[(.+|:?)]\((\S+)(?:(?:\s+)["'](\S+)["'])?\))$/;

/**
 * Block images by URL: Tiptap's Image (3.31, `inline: false`, `allowBase64: false`, no resizing)
 * written out here so the page does not carry its resize handles (ResizableNodeView, about 3 KB
 * gzipped, for an option this app never turns on). Only http(s) sources: one that is not allowed
 * is dropped when HTML is parsed (paste) and when a node from another client is rendered.
 * image.test.ts checks it against Tiptap's Image.
 */
export const SafeImage = Node.create({
  name: 'image',
  inline: false,
  group: 'block',
  draggable: true,
  addOptions: () => ({ HTMLAttributes: {} as Record<string, unknown> }),
  addAttributes() {
    return {
      src: { default: null, parseHTML: (el: HTMLElement) => safeImageUrl(el.getAttribute('src')) },
      alt: { default: null },
      title: { default: null },
      width: { default: null },
      height: { default: null },
    };
  },
  parseHTML() {
    return [{ tag: 'img[src]', getAttrs: (el: HTMLElement) => (safeImageUrl(el.getAttribute('src')) ? null : false) }];
  },
  renderHTML({ HTMLAttributes }) {
    const src = safeImageUrl(HTMLAttributes.src as string | undefined);
    return ['img', mergeAttributes(this.options.HTMLAttributes, { ...HTMLAttributes, src: src ?? undefined })];
  },
  parseMarkdown: (token, helpers) => helpers.createNode('image', { src: token.href, title: token.title, alt: token.text }),
  renderMarkdown: (node) => {
    const src = node.attrs?.src ?? '';
    const alt = node.attrs?.alt ?? '';
    const title = node.attrs?.title ?? '';
    return title ? `![${alt}](${src} "${title}")` : `![${alt}](${src})`;
  },
  addCommands() {
    return {
      setImage:
        (options) =>
        ({ commands }) =>
          commands.insertContent({ type: this.name, attrs: options }),
    };
  },
  addInputRules() {
    return [nodeInputRule({ find: INPUT, type: this.type, getAttributes: ([, , alt, src, title]) => ({ src, alt, title }) })];
  },
});
