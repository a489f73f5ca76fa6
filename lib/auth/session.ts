import type { Config } from '../config';
import { newSecret } from '../ids';
import type { SessionAccess, SessionInfo, Storage } from '../storage';
import { parseCookies, serializeCookie } from './cookies';

/**
 * The session cookie's name. Over https it carries the `__Host-` prefix, which browsers accept
 * only with Secure, Path=/ and no Domain, so a sibling subdomain cannot plant or shadow it.
 */
export function sessionCookieName(config: Pick<Config, 'secureCookies'>): string {
  return config.secureCookies ? '__Host-tandem_session' : 'tandem_session';
}

/** Reads the session token from a `Cookie` header. */
export function sessionTokenFrom(cookieHeader: string | null | undefined, config: Pick<Config, 'secureCookies'>): string | undefined {
  const token = parseCookies(cookieHeader).get(sessionCookieName(config));
  // Tokens we issue are 43 base64url characters; anything else cannot match, skip the lookup.
  return token && /^[A-Za-z0-9_-]{43}$/.test(token) ? token : undefined;
}

/** Resolves the live session behind a `Cookie` header, or undefined. */
export async function sessionFromCookieHeader(
  storage: Storage,
  config: Config,
  cookieHeader: string | null | undefined,
  now = Date.now(),
): Promise<SessionInfo | undefined> {
  const token = sessionTokenFrom(cookieHeader, config);
  if (!token) return undefined;
  return storage.sessions.resolve(token, now, config.sessionIdleMs);
}

/**
 * The live session behind a `Cookie` header and its account's access to `documentId`, in one
 * query (`access` undefined: no such document); undefined without a live session.
 */
export async function sessionAccessFromCookieHeader(
  storage: Storage,
  config: Config,
  cookieHeader: string | null | undefined,
  documentId: string,
  now = Date.now(),
): Promise<SessionAccess | undefined> {
  const token = sessionTokenFrom(cookieHeader, config);
  if (!token) return undefined;
  return storage.sessionAccess.resolve(token, documentId, now, config.sessionIdleMs);
}

/** Starts a session with a fresh random token; returns it with its `Set-Cookie` value. */
export async function startSession(storage: Storage, config: Config, userId: string, now = Date.now()) {
  const token = newSecret();
  const session = await storage.sessions.create({ userId, token, now, maxAgeMs: config.sessionMaxAgeMs });
  const cookie = serializeCookie(sessionCookieName(config), token, {
    secure: config.secureCookies,
    maxAgeSeconds: config.sessionMaxAgeMs / 1000,
  });
  return { token, session, cookie };
}

/** A `Set-Cookie` value that removes the session cookie. */
export function clearSessionCookie(config: Config): string {
  return serializeCookie(sessionCookieName(config), '', { secure: config.secureCookies, maxAgeSeconds: 0 });
}
