import { signup, signupSchema } from '@/lib/auth/accounts';
import { sessionTokenFrom } from '@/lib/auth/session';
import { readJson, route } from '@/lib/http/route';

/** POST /api/auth/signup {email, password, name} → 201 with the session cookie. */
export const POST = route(async ({ req, storage, config, clientIp }) => {
  const input = await readJson(req, signupSchema);
  const { user, cookie, created } = await signup(storage, config, input, clientIp);
  const previous = sessionTokenFrom(req.headers.get('cookie'), config);
  if (previous) await storage.sessions.revokeToken(previous);
  return Response.json({ user }, { status: created ? 201 : 200, headers: { 'Set-Cookie': cookie } });
});
