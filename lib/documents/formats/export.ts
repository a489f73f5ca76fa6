import type { Node as PMNode } from '@tiptap/pm/model';
import { sanitizeContent } from '../../editor/sanitize';
import { toPlainText } from '../content';
import { toHtmlDocument } from './html';
import { toMarkdown } from '../../editor/markdown';

export type ExportFormat = 'markdown' | 'html' | 'text';

/** What a download of each format is served as. */
export const EXPORT_TYPES: Record<ExportFormat, { mime: string; extension: string }> = {
  markdown: { mime: 'text/markdown; charset=utf-8', extension: 'md' },
  html: { mime: 'text/html; charset=utf-8', extension: 'html' },
  text: { mime: 'text/plain; charset=utf-8', extension: 'txt' },
};

/**
 * The document as a file. The stored content is vetted again first: a client can store any
 * attribute value, and an export must not carry a javascript: link into someone's files.
 */
export function exportDocument(node: PMNode, format: ExportFormat, title: string): string {
  if (format === 'text') return toPlainText(node);
  const json = sanitizeContent(node.toJSON()) ?? { type: 'doc', content: [] };
  return format === 'markdown' ? toMarkdown(json) : toHtmlDocument(json, title);
}

/** A file name for the download: the title without characters file systems reject. */
export function exportFileName(title: string, format: ExportFormat): string {
  const base = title.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 100) || 'document';
  return `${base}.${EXPORT_TYPES[format].extension}`;
}

/** A Content-Disposition header that survives non-ASCII titles (RFC 6266 filename*). */
export function attachment(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
