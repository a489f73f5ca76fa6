import { emailSchema } from '@/lib/auth/schemas';
import { requireAccess } from '@/lib/documents/access';
import { roleChangeSchema } from '@/lib/documents/schemas';
import { expectChanged } from '@/lib/documents/sharing';
import { ApiError } from '@/lib/http/errors';
import { readJson, requireSession, route } from '@/lib/http/route';

type Params = { id: string; email: string };

function invitedEmail(raw: string): string {
  const r = emailSchema.safeParse(decodeURIComponent(raw));
  if (!r.success) throw new ApiError('not_found', 'No such invitation.');
  return r.data;
}

/** PATCH /api/documents/<id>/invitations/<email> {role} → 200 (owner only). */
export const PATCH = route<Params>(async (ctx) => {
  const { user } = requireSession(ctx);
  const { role } = await readJson(ctx.req, roleChangeSchema);
  const { document } = await requireAccess(ctx.storage, ctx.params.id, user.id, 'manage');
  const email = invitedEmail(ctx.params.email);
  expectChanged(await ctx.storage.members.changeInvite(document.id, email, role, Date.now()), 'invitation');
  return Response.json({ email, role });
});

/** DELETE /api/documents/<id>/invitations/<email> → 204 (owner only). */
export const DELETE = route<Params>(async (ctx) => {
  const { user } = requireSession(ctx);
  const { document } = await requireAccess(ctx.storage, ctx.params.id, user.id, 'manage');
  expectChanged(await ctx.storage.members.changeInvite(document.id, invitedEmail(ctx.params.email), null, Date.now()), 'invitation');
  return new Response(null, { status: 204 });
});
