import { requireAccess } from '@/lib/documents/access';
import { linkView } from '@/lib/documents/sharing';
import { requireSession, route } from '@/lib/http/route';

type Params = { id: string };

/**
 * POST /api/documents/<id>/link/rotate → a new link (owner only). The old link stops working
 * and people who only had access through it lose it, on open connections too.
 */
export const POST = route<Params>(async (ctx) => {
  const { user } = requireSession(ctx);
  const { document, role } = await requireAccess(ctx.storage, ctx.params.id, user.id, 'manage');
  const link = await ctx.storage.links.rotate(document.id, Date.now());
  return Response.json(linkView(ctx.config, document.id, link, role));
});
