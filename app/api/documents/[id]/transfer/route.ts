import { requireAccess } from '@/lib/documents/access';
import { transferSchema } from '@/lib/documents/schemas';
import { expectChanged } from '@/lib/documents/sharing';
import { ApiError } from '@/lib/http/errors';
import { readJson, requireSession, route } from '@/lib/http/route';

type Params = { id: string };

/** POST /api/documents/<id>/transfer {userId} → 200 (owner only): that member becomes the owner, you an editor. */
export const POST = route<Params>(async (ctx) => {
  const { user } = requireSession(ctx);
  const { userId } = await readJson(ctx.req, transferSchema);
  const { document } = await requireAccess(ctx.storage, ctx.params.id, user.id, 'manage');
  if (userId === user.id) throw new ApiError('conflict', 'You own this document already.');
  expectChanged(await ctx.storage.members.transferOwnership(document.id, user.id, userId, Date.now()), 'member');
  return Response.json({ ownerId: userId });
});
