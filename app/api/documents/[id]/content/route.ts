import { requireAccess } from '@/lib/documents/access';
import { documentNode } from '@/lib/documents/content';
import { attachment, exportDocument, exportFileName, EXPORT_TYPES } from '@/lib/documents/formats/export';
import { contentFormatSchema } from '@/lib/documents/schemas';
import { ApiError } from '@/lib/http/errors';
import { requireSession, route } from '@/lib/http/route';

type Params = { id: string };

/** Exported HTML is inert even when opened from this origin: no scripts, no forms, no plugins. */
const HTML_POLICY = "default-src 'none'; img-src http: https:; style-src 'unsafe-inline'; sandbox";

/**
 * GET /api/documents/<id>/content?format=json|text|markdown|html[&download=1] → the stored
 * content; with download=1, as a file named after the document.
 */
export const GET = route<Params>(async (ctx) => {
  const { user } = requireSession(ctx);
  const params = new URL(ctx.req.url).searchParams;
  const format = contentFormatSchema.safeParse(params.get('format') ?? 'json');
  if (!format.success) throw new ApiError('invalid_request', 'format must be json, text, markdown or html.');
  const { document } = await requireAccess(ctx.storage, ctx.params.id, user.id, 'read');
  const node = documentNode(await ctx.storage.updates.load(document.id));
  if (format.data === 'json') return Response.json(node.toJSON());
  const headers: Record<string, string> = { 'Content-Type': EXPORT_TYPES[format.data].mime, 'Cache-Control': 'no-store' };
  if (format.data === 'html') headers['Content-Security-Policy'] = HTML_POLICY;
  if (params.get('download') === '1') headers['Content-Disposition'] = attachment(exportFileName(document.title, format.data));
  return new Response(exportDocument(node, format.data, document.title), { headers });
});
