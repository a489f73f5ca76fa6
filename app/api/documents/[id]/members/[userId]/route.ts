import { requireAccess } from '@/lib/documents/access';
import { roleChangeSchema } from '@/lib/documents/schemas';
import { expectChanged } from '@/lib/documents/sharing';
import { readJson, requireSession, route } from '@/lib/http/route';

type Params = { id: string; userId: string };

/** PATCH /api/documents/<id>/members/<userId> {role} → 200 (owner only); takes effect on open connections. */
export const PATCH = route<Params>(async (ctx) => {
  const { user } = requireSession(ctx);
  const { role } = await readJson(ctx.req, roleChangeSchema);
  const { document } = await requireAccess(ctx.storage, ctx.params.id, user.id, 'manage');
  expectChanged(await ctx.storage.members.setRole(document.id, ctx.params.userId, role, Date.now()), 'member');
  return Response.json({ userId: ctx.params.userId, role });
});

/** DELETE /api/documents/<id>/members/<userId> → 204 (the owner, or members removing themselves). */
export const DELETE = route<Params>(async (ctx) => {
  const { user } = requireSession(ctx);
  const self = ctx.params.userId === user.id;
  const { document } = await requireAccess(ctx.storage, ctx.params.id, user.id, self ? 'read' : 'manage');
  expectChanged(await ctx.storage.members.remove(document.id, ctx.params.userId, Date.now()), 'member');
  return new Response(null, { status: 204 });
});
