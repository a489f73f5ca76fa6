import { colorFor } from '@/lib/colors';
import { embedUserId } from '@/lib/embed/access';
import { embedCookie } from '@/lib/embed/cookie';
import { EMBED_SESSION_TTL_MS, exchangeEmbedToken } from '@/lib/embed/exchange';
import { exchangeSchema } from '@/lib/embed/schemas';
import { REJECTION_MESSAGES } from '@/lib/embed/tokens';
import { ApiError } from '@/lib/http/errors';
import { readJson, route } from '@/lib/http/route';
import { isId } from '@/lib/ids';

/**
 * POST /api/embed/sessions {document, token, origin} → 201: the embed frame exchanges a host's
 * token for a session scoped to that document. The session rides in a partitioned cookie and,
 * for browsers that refuse it, a one-time socket ticket in the body (see docs/EMBED.md).
 * Called by the frame, so Origin is the app's own (checked by `route`).
 */
export const POST = route(async (ctx) => {
  const { document, token, origin } = await readJson(ctx.req, exchangeSchema);
  if (!isId(document)) throw new ApiError('not_found', 'No such document.');
  const r = await exchangeEmbedToken(ctx.storage, { documentId: document, token, origin, now: Date.now() });
  if (!r.ok) {
    if (r.reason === 'not_found') throw new ApiError('not_found', 'No such document.');
    throw new ApiError('invalid_token', REJECTION_MESSAGES[r.reason], {}, { reason: r.reason });
  }
  const { session } = r;
  const userId = embedUserId(session);
  return Response.json(
    { role: session.role, name: session.name, userId, color: colorFor(userId), expiresAt: session.expiresAt, ticket: r.ticket },
    { status: 201, headers: { 'set-cookie': embedCookie(document, r.cookieValue, EMBED_SESSION_TTL_MS), 'cache-control': 'no-store' } },
  );
});
