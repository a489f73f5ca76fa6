import { requireSession, route } from '@/lib/http/route';

/** GET /api/me → the signed-in account, or 401. */
export const GET = route(async (ctx) => {
  const { user } = requireSession(ctx);
  return Response.json({ id: user.id, email: user.email, name: user.name });
});
