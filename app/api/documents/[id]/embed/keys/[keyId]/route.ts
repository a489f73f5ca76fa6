import { requireAccess } from '@/lib/documents/access';
import { ApiError } from '@/lib/http/errors';
import { requireSession, route } from '@/lib/http/route';

type Params = { id: string; keyId: string };

/** GET /api/documents/<id>/embed/keys/<keyId> → {id, label, createdAt, revokedAt} (owner only; never the secret). */
export const GET = route<Params>(async (ctx) => {
  const { user } = requireSession(ctx);
  const { document } = await requireAccess(ctx.storage, ctx.params.id, user.id, 'manage');
  const key = (await ctx.storage.embeds.listKeys(document.id)).find((k) => k.id === ctx.params.keyId);
  if (!key) throw new ApiError('not_found', 'No such key.');
  return Response.json(key);
});

/** DELETE /api/documents/<id>/embed/keys/<keyId> → 204 (owner only): its tokens are refused, its sessions' sockets close. */
export const DELETE = route<Params>(async (ctx) => {
  const { user } = requireSession(ctx);
  const { document } = await requireAccess(ctx.storage, ctx.params.id, user.id, 'manage');
  if ((await ctx.storage.embeds.revokeKey(document.id, ctx.params.keyId, Date.now())) === 'not_found') throw new ApiError('not_found', 'No such key, or it is already revoked.');
  return new Response(null, { status: 204 });
});
