import type { JSONContent } from '@tiptap/core';
import { safeImageUrl, safeLinkUrl } from './urls';

/**
 * Content built outside the HTML parser (Markdown turned into nodes) skips the parse rules that
 * vet URLs, so it is vetted here: images with a source that is not allowed are dropped, and
 * links whose target is not allowed lose the link (the text stays).
 */
export function sanitizeContent(node: JSONContent): JSONContent | null {
  if (node.type === 'image') {
    const src = safeImageUrl(node.attrs?.src as string | undefined);
    if (!src) return null;
    node = { ...node, attrs: { ...node.attrs, src } };
  }
  const marks = node.marks?.flatMap((m) => {
    if (m.type !== 'link') return [m];
    const href = safeLinkUrl(m.attrs?.href as string | undefined);
    return href ? [{ ...m, attrs: { ...m.attrs, href } }] : [];
  });
  const content = node.content?.map(sanitizeContent).filter((c): c is JSONContent => c !== null);
  return { ...node, ...(marks && { marks }), ...(content && { content }) };
}

/** Whether pasted plain text is probably Markdown worth turning into formatting. */
export function looksLikeMarkdown(text: string): boolean {
  return [
    /^#{1,6}\s+\S/m, // headings
    /^\s*[-*+]\s+\S/m, // bullet lists
    /^\s*\d+[.)]\s+\S/m, // numbered lists
    /^\s*[-*+]\s+\[[ xX]\]\s/m, // task lists
    /^>\s?\S/m, // blockquotes
    /^```/m, // code blocks
    /^(?:---|\*\*\*|___)\s*$/m, // horizontal rules
    /\*\*[^*\n]+\*\*|__[^_\n]+__/, // bold
    /(^|[^*\w])\*[^*\s][^*\n]*\*(?!\*)/, // italic
    /~~[^~\n]+~~/, // strikethrough
    /`[^`\n]+`/, // inline code
    /\[[^\]\n]+\]\([^)\s]+\)/, // links
    /^\|.+\|\s*$/m, // tables
  ].some((re) => re.test(text));
}
