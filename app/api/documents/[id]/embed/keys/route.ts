import { requireAccess } from '@/lib/documents/access';
import { createKeySchema } from '@/lib/embed/schemas';
import { readJson, requireSession, route } from '@/lib/http/route';

type Params = { id: string };

/** GET /api/documents/<id>/embed/keys → {keys: [{id, label, createdAt, revokedAt}]} (owner only; never secrets). */
export const GET = route<Params>(async (ctx) => {
  const { user } = requireSession(ctx);
  const { document } = await requireAccess(ctx.storage, ctx.params.id, user.id, 'manage');
  return Response.json({ keys: await ctx.storage.embeds.listKeys(document.id) });
});

/** POST /api/documents/<id>/embed/keys {label?} → 201 {id, secret, label, createdAt}: the only time the secret is shown. */
export const POST = route<Params>(async (ctx) => {
  const { user } = requireSession(ctx);
  const { label } = await readJson(ctx.req, createKeySchema);
  const { document } = await requireAccess(ctx.storage, ctx.params.id, user.id, 'manage');
  const key = await ctx.storage.embeds.createKey(document.id, label, Date.now());
  return Response.json({ id: key.id, secret: key.secret, label: key.label, createdAt: key.createdAt }, { status: 201, headers: { 'cache-control': 'no-store' } });
});
