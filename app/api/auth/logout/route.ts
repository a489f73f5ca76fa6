import { clearSessionCookie, sessionTokenFrom } from '@/lib/auth/session';
import { route } from '@/lib/http/route';

/** POST /api/auth/logout → 204; revokes the session and clears the cookie. */
export const POST = route(async ({ req, storage, config }) => {
  const token = sessionTokenFrom(req.headers.get('cookie'), config);
  if (token) await storage.sessions.revokeToken(token);
  return new Response(null, { status: 204, headers: { 'Set-Cookie': clearSessionCookie(config) } });
});
