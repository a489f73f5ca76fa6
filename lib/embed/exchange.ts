import { newSecret } from '../ids';
import type { EmbedSession, Storage } from '../storage';
import { embedAccess } from './access';
import { CLOCK_SKEW_S, verifyEmbedToken, type TokenRejection } from './tokens';

/** How long an embed session lasts; the frame asks the host for a new token after that. */
export const EMBED_SESSION_TTL_MS = 8 * 60 * 60 * 1000;
/** How long a socket ticket stays usable (the fallback when the browser refuses the cookie). */
export const TICKET_TTL_MS = 60_000;

export type Exchanged =
  | { ok: true; session: EmbedSession; cookieValue: string; ticket: string }
  | { ok: false; reason: TokenRejection | 'not_found' };

/**
 * Exchanges an embed token for a session scoped to its document: verifies it, uses up its
 * `jti` (a second exchange of the same token is a replay), and issues the session's cookie
 * value and a first one-time socket ticket.
 */
export async function exchangeEmbedToken(storage: Storage, i: { documentId: string; token: string; origin: string; now: number }): Promise<Exchanged> {
  if (!(await storage.documents.find(i.documentId))) return { ok: false, reason: 'not_found' };
  const settings = await storage.embeds.settings(i.documentId);
  const v = await verifyEmbedToken(i.token, {
    documentId: i.documentId,
    origin: i.origin,
    allowedOrigins: settings.allowedOrigins,
    now: i.now,
    findKey: (id) => storage.embeds.findKey(id),
  });
  if (!v.ok) return v;
  const { claims, key } = v;
  if (!(await storage.embeds.consumeJti(key.id, claims.jti, claims.expiresAt + CLOCK_SKEW_S * 1000, i.now))) return { ok: false, reason: 'replayed' };
  const cookieValue = newSecret();
  const session = await storage.embeds.createSession({
    documentId: i.documentId,
    keyId: key.id,
    userId: key.kind === 'app' ? claims.sub : null,
    role: claims.role,
    name: claims.name,
    sub: claims.sub,
    origin: claims.origin,
    token: cookieValue,
    now: i.now,
    ttlMs: EMBED_SESSION_TTL_MS,
  });
  const access = await embedAccess(storage, await storage.embeds.stateById(session.id), i.now);
  if (!access.ok) {
    await storage.embeds.endSession(session.id);
    return { ok: false, reason: 'no_access' };
  }
  const ticket = await storage.embeds.createTicket(session.id, i.now, TICKET_TTL_MS);
  return { ok: true, session: { ...session, role: access.role }, cookieValue, ticket };
}
