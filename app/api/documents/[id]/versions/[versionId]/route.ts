import { requireAccess } from '@/lib/documents/access';
import { documentNode, toPlainText } from '@/lib/documents/content';
import { versionFormatSchema } from '@/lib/documents/schemas';
import { ApiError } from '@/lib/http/errors';
import { requireSession, route } from '@/lib/http/route';

type Params = { id: string; versionId: string };

/** GET /api/documents/<id>/versions/<versionId>?format=json|text → the version's content (read-only). */
export const GET = route<Params>(async (ctx) => {
  const { user } = requireSession(ctx);
  const format = versionFormatSchema.safeParse(new URL(ctx.req.url).searchParams.get('format') ?? 'json');
  if (!format.success) throw new ApiError('invalid_request', 'format must be json or text.');
  const { document } = await requireAccess(ctx.storage, ctx.params.id, user.id, 'read');
  const version = await ctx.storage.versions.get(document.id, ctx.params.versionId);
  if (!version) throw new ApiError('not_found', 'No such version.');
  const node = documentNode([version.data]);
  if (format.data === 'text') return new Response(toPlainText(node), { headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  const { data: _bytes, ...summary } = version;
  return Response.json({ ...summary, content: node.toJSON() });
});
