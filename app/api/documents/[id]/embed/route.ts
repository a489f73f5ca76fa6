import { requireAccess } from '@/lib/documents/access';
import { embedSettingsSchema } from '@/lib/embed/schemas';
import { readJson, requireSession, route } from '@/lib/http/route';

type Params = { id: string };

/** GET /api/documents/<id>/embed → {allowedOrigins, role, keys} (owner only). */
export const GET = route<Params>(async (ctx) => {
  const { user } = requireSession(ctx);
  const { document } = await requireAccess(ctx.storage, ctx.params.id, user.id, 'manage');
  const settings = await ctx.storage.embeds.settings(document.id);
  return Response.json({ ...settings, keys: await ctx.storage.embeds.listKeys(document.id) });
});

/** PUT /api/documents/<id>/embed {allowedOrigins, role} (owner only); open embedded connections follow. */
export const PUT = route<Params>(async (ctx) => {
  const { user } = requireSession(ctx);
  const body = await readJson(ctx.req, embedSettingsSchema);
  const { document } = await requireAccess(ctx.storage, ctx.params.id, user.id, 'manage');
  return Response.json(await ctx.storage.embeds.setSettings(document.id, body, Date.now()));
});
