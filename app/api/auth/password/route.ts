import { changePassword, passwordChangeSchema } from '@/lib/auth/accounts';
import { readJson, requireSession, route } from '@/lib/http/route';

/** POST /api/auth/password {currentPassword, newPassword} → 204; other sessions are signed out. */
export const POST = route(async (ctx) => {
  const session = requireSession(ctx);
  const input = await readJson(ctx.req, passwordChangeSchema);
  await changePassword(ctx.storage, ctx.config, session.user.id, session.user.email, session.id, input);
  return new Response(null, { status: 204 });
});
