import 'server-only';
import type { z } from 'zod';
import type { Config } from '../config';
import { ApiError } from '../http/errors';
import type { Storage } from '../storage';
import { hashPassword, verifyPassword } from './password';
import type { loginSchema, passwordChangeSchema, signupSchema } from './schemas';
import { startSession } from './session';
import { authThrottle } from './throttle';

export { loginSchema, passwordChangeSchema, signupSchema } from './schemas';

const INVALID = 'Email or password is incorrect.';

async function checkPassword(storage: Storage, config: Config, email: string, password: string) {
  const throttle = authThrottle(config);
  throttle.checkAccount(email);
  const user = await storage.users.findByEmail(email);
  // verifyPassword does the same work for unknown emails, so timing does not reveal accounts.
  const ok = await verifyPassword(user?.password_hash, password);
  if (!user || !ok) {
    throttle.accountFailed(email);
    throw new ApiError('invalid_credentials', INVALID);
  }
  throttle.accountSucceeded(email);
  return { id: user.id, email: user.email, name: user.name };
}

/**
 * Logs in; returns the new session's cookie. `clientIp` is the trusted client address
 * (`ctx.clientIp`), undefined when unknown.
 */
export async function login(storage: Storage, config: Config, input: z.output<typeof loginSchema>, clientIp: string | undefined) {
  authThrottle(config).loginAttempt(clientIp);
  const user = await checkPassword(storage, config, input.email, input.password);
  const { cookie } = await startSession(storage, config, user.id);
  return { user, cookie };
}

/**
 * Creates an account and signs it in. For an email that already has an account it behaves
 * exactly like login (the right password signs in, a wrong one gets the login error), so
 * the error never says "this email is taken".
 */
export async function signup(storage: Storage, config: Config, input: z.output<typeof signupSchema>, clientIp: string | undefined) {
  authThrottle(config).signupAttempt(clientIp);
  const now = Date.now();
  const created = await storage.users.create({ email: input.email, name: input.name, passwordHash: await hashPassword(input.password), now });
  const user = created ?? (await checkPassword(storage, config, input.email, input.password));
  const { cookie } = await startSession(storage, config, user.id);
  return { user, cookie, created: !!created };
}

/**
 * Changes the password after checking the current one, and signs out every other session of
 * the account (their open connections close too). The current session stays.
 */
export async function changePassword(storage: Storage, config: Config, userId: string, email: string, sessionId: string, input: z.output<typeof passwordChangeSchema>) {
  await checkPassword(storage, config, email, input.currentPassword);
  await storage.users.setPasswordHash(userId, await hashPassword(input.newPassword));
  await storage.sessions.revokeAllForUser(userId, sessionId);
}
