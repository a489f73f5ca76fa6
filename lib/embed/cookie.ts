import { parseCookies, serializeCookie } from '../auth/cookies';

/**
 * One cookie per document, so one page can embed several documents. It is a third-party
 * cookie inside the frame: `SameSite=None` so the browser sends it there at all, `Secure`
 * (required with None; http://localhost counts as secure), `Partitioned` (CHIPS) so browsers
 * that block unpartitioned third-party cookies still keep it, under the host's site only.
 */
export function embedCookieName(documentId: string): string {
  return `tandem_embed_${documentId}`;
}

export function embedCookie(documentId: string, value: string, maxAgeMs: number): string {
  return serializeCookie(embedCookieName(documentId), value, { secure: true, sameSite: 'None', partitioned: true, maxAgeSeconds: maxAgeMs / 1000 });
}

export function embedCookieValue(cookieHeader: string | null | undefined, documentId: string): string | undefined {
  const v = parseCookies(cookieHeader).get(embedCookieName(documentId));
  return v && /^[A-Za-z0-9_-]{43}$/.test(v) ? v : undefined;
}
