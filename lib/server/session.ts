import 'server-only';
import { cookies } from 'next/headers';
import { getConfig } from '../config';
import { sessionCookieName } from '../auth/session';
import type { SessionInfo } from '../storage';
import { appStorage } from './storage';

/** The session of the request being rendered (server components and pages). */
export async function currentSession(): Promise<SessionInfo | undefined> {
  const config = getConfig();
  const jar = await cookies();
  const token = jar.get(sessionCookieName(config))?.value;
  if (!token) return undefined;
  const storage = await appStorage();
  return storage.sessions.resolve(token, Date.now(), config.sessionIdleMs);
}

/** A safe post-login destination: a same-site path, never another origin. */
export function safeNext(next: string | string[] | undefined): string {
  const n = Array.isArray(next) ? next[0] : next;
  if (!n || !n.startsWith('/') || n.startsWith('//') || n.startsWith('/\\')) return '/';
  return n;
}
