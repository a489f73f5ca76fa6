import { requireAccess } from '@/lib/documents/access';
import { accountTokenSchema } from '@/lib/embed/schemas';
import { mintEmbedToken } from '@/lib/embed/tokens';
import { ApiError } from '@/lib/http/errors';
import { readJson, requireSession, route } from '@/lib/http/route';

type Params = { id: string };

/**
 * POST /api/documents/<id>/embed/token {origin} → {token}: a token for the signed-in account,
 * so it appears in an embed of this document (on an allowed origin) under its own name and with
 * its own role. Signed with the document's app key; exchanged like any host's token.
 */
export const POST = route<Params>(async (ctx) => {
  const { user } = requireSession(ctx);
  const { origin } = await readJson(ctx.req, accountTokenSchema);
  const { document, role } = await requireAccess(ctx.storage, ctx.params.id, user.id, 'read');
  const settings = await ctx.storage.embeds.settings(document.id);
  if (!settings.allowedOrigins.includes(origin)) throw new ApiError('forbidden', `${origin} may not embed this document.`);
  const key = await ctx.storage.embeds.appKey(document.id, Date.now());
  const token = await mintEmbedToken({
    keyId: key.id,
    secret: key.secret,
    documentId: document.id,
    role: role === 'viewer' ? 'viewer' : 'editor',
    name: user.name,
    sub: user.id,
    origin,
  });
  return Response.json({ token }, { headers: { 'cache-control': 'no-store' } });
});
