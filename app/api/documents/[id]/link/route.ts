import { requireAccess } from '@/lib/documents/access';
import { linkAccessSchema } from '@/lib/documents/schemas';
import { linkView } from '@/lib/documents/sharing';
import { readJson, requireSession, route } from '@/lib/http/route';

type Params = { id: string };

/** GET /api/documents/<id>/link → {access, url}: the URL only for people who can edit. */
export const GET = route<Params>(async (ctx) => {
  const { user } = requireSession(ctx);
  const { document, role } = await requireAccess(ctx.storage, ctx.params.id, user.id, 'read');
  const link = (await ctx.storage.links.get(document.id))!;
  return Response.json(linkView(ctx.config, document.id, link, role));
});

/** PUT /api/documents/<id>/link {access} → general access (owner only); takes effect on open connections. */
export const PUT = route<Params>(async (ctx) => {
  const { user } = requireSession(ctx);
  const { access } = await readJson(ctx.req, linkAccessSchema);
  const { document, role } = await requireAccess(ctx.storage, ctx.params.id, user.id, 'manage');
  const link = await ctx.storage.links.setAccess(document.id, access, Date.now());
  return Response.json(linkView(ctx.config, document.id, link, role));
});
