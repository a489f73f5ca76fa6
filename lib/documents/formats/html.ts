import type { JSONContent } from '@tiptap/core';
import { generateHTML, generateJSON } from '@tiptap/html/server';
import sanitizeHtml from 'sanitize-html';
import { schemaExtensions } from '../../editor/extensions';
import { safeImageUrl, safeLinkUrl } from '../../editor/urls';

/**
 * What exported HTML may contain: exactly the elements and attributes the editor's schema
 * renders, nothing else. The content was vetted when it was built (sanitizeContent), so this
 * is the second line: whatever a client managed to store, the file holds no script, no event
 * handler, no style and no URL outside http(s)/mailto.
 */
const EXPORT_POLICY: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'br', 'h1', 'h2', 'h3', 'strong', 'em', 'u', 's', 'code', 'a', 'ul', 'ol', 'li', 'label', 'input', 'div', 'span',
    'blockquote', 'pre', 'hr', 'table', 'colgroup', 'col', 'thead', 'tbody', 'tr', 'th', 'td', 'img',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'rel', 'target'],
    img: ['src', 'alt', 'title'],
    ol: ['start', 'type'],
    ul: ['data-type'],
    li: ['data-type', 'data-checked'],
    input: ['type', 'checked', 'disabled'],
    code: ['class'],
    th: ['colspan', 'rowspan'],
    td: ['colspan', 'rowspan'],
  },
  allowedClasses: { code: [/^language-[\w+#-]+$/] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  exclusiveFilter: (frame) =>
    (frame.tag === 'a' && frame.attribs.href !== undefined && safeLinkUrl(frame.attribs.href) === null) ||
    (frame.tag === 'img' && safeImageUrl(frame.attribs.src) === null),
};

function escapeText(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** The document's body as sanitised HTML. */
export function toHtmlFragment(doc: JSONContent): string {
  return sanitizeHtml(generateHTML(doc, schemaExtensions()), EXPORT_POLICY);
}

/** A standalone HTML file: the sanitised body, with the title, UTF-8 and a policy that runs nothing. */
export function toHtmlDocument(doc: JSONContent, title: string): string {
  return [
    '<!doctype html>',
    '<html>',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src http: https:; style-src 'unsafe-inline'">`,
    `<title>${escapeText(title)}</title>`,
    '</head>',
    '<body>',
    toHtmlFragment(doc),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/**
 * HTML as JSON of the editor's schema: parsed with the same rules as a paste into the editor,
 * so anything the schema has no place for (scripts, styles, unknown elements) is dropped and
 * its text kept. Parsing runs in happy-dom with scripts and loading disabled.
 */
export function fromHtml(html: string): JSONContent {
  return generateJSON(html, schemaExtensions());
}
