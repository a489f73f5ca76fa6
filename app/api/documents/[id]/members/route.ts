import { requireAccess } from '@/lib/documents/access';
import { addMemberSchema } from '@/lib/documents/schemas';
import { ApiError } from '@/lib/http/errors';
import { readJson, requireSession, route } from '@/lib/http/route';

type Params = { id: string };

/** GET /api/documents/<id>/members → everyone with access (any member may look). */
export const GET = route<Params>(async (ctx) => {
  const { user } = requireSession(ctx);
  const { document } = await requireAccess(ctx.storage, ctx.params.id, user.id, 'read');
  return Response.json({ members: await ctx.storage.members.list(document.id) });
});

/**
 * POST /api/documents/<id>/members {email, role} → 201 (owner only). Creates an invitation
 * (or changes the role of a member with that email); the answer never says whether the email
 * has an account.
 */
export const POST = route<Params>(async (ctx) => {
  const { user } = requireSession(ctx);
  const { email, role } = await readJson(ctx.req, addMemberSchema);
  const { document } = await requireAccess(ctx.storage, ctx.params.id, user.id, 'manage');
  const result = await ctx.storage.members.share(document.id, email, role, Date.now());
  if (result === 'owner') throw new ApiError('conflict', 'That person owns this document already.');
  return Response.json({ email, role }, { status: 201 });
});
