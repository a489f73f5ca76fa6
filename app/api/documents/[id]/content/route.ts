import { requireAccess } from '@/lib/documents/access';
import { documentNode, toPlainText } from '@/lib/documents/content';
import { contentFormatSchema } from '@/lib/documents/schemas';
import { ApiError } from '@/lib/http/errors';
import { requireSession, route } from '@/lib/http/route';

type Params = { id: string };

/** GET /api/documents/<id>/content?format=text|json → the stored content. */
export const GET = route<Params>(async (ctx) => {
  const { user } = requireSession(ctx);
  const format = contentFormatSchema.safeParse(new URL(ctx.req.url).searchParams.get('format') ?? 'json');
  if (!format.success) throw new ApiError('invalid_request', 'format must be text or json.');
  const { document } = await requireAccess(ctx.storage, ctx.params.id, user.id, 'read');
  const node = documentNode(await ctx.storage.updates.load(document.id));
  if (format.data === 'text') {
    return new Response(toPlainText(node), { headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  }
  return Response.json(node.toJSON());
});
