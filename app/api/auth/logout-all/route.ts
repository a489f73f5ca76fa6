import { clearSessionCookie } from '@/lib/auth/session';
import { requireSession, route } from '@/lib/http/route';

/** POST /api/auth/logout-all → 204: signs out every session of the account, this one included. */
export const POST = route(async (ctx) => {
  const { user } = requireSession(ctx);
  await ctx.storage.sessions.revokeAllForUser(user.id);
  return new Response(null, { status: 204, headers: { 'Set-Cookie': clearSessionCookie(ctx.config) } });
});
