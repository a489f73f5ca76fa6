import { login, loginSchema } from '@/lib/auth/accounts';
import { sessionTokenFrom } from '@/lib/auth/session';
import { readJson, route } from '@/lib/http/route';

/**
 * POST /api/auth/login {email, password} → 200 with a new session cookie. A session id is
 * never reused across a login: a session cookie the browser already had is revoked.
 */
export const POST = route(async ({ req, storage, config, clientIp }) => {
  const { user, cookie } = await login(storage, config, await readJson(req, loginSchema), clientIp);
  const previous = sessionTokenFrom(req.headers.get('cookie'), config);
  if (previous) await storage.sessions.revokeToken(previous);
  return Response.json({ user }, { headers: { 'Set-Cookie': cookie } });
});
