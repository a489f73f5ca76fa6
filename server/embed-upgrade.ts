import type { IncomingMessage } from 'node:http';
import { EMBED_DENIALS, embedAccess, embedUserId } from '../lib/embed/access';
import { embedCookieValue } from '../lib/embed/cookie';
import { TICKET_TTL_MS } from '../lib/embed/exchange';
import { colorFor } from '../lib/colors';
import { CloseCode, TICKET_SUBPROTOCOL_PREFIX, type CloseCodeValue } from '../lib/protocol';
import type { EmbedSessionState, Storage } from '../lib/storage';
import type { UpgradeDecision } from './upgrade';

/** The one-time ticket a socket offers as a subprotocol (`tandem.ticket.<ticket>`), if any. */
export function ticketFrom(header: string | string[] | undefined): string | undefined {
  const all = [header ?? []].flat().join(',').split(',').map((s) => s.trim());
  const t = all.find((p) => p.startsWith(TICKET_SUBPROTOCOL_PREFIX))?.slice(TICKET_SUBPROTOCOL_PREFIX.length);
  return t && /^[A-Za-z0-9_-]{43}$/.test(t) ? t : undefined;
}

/**
 * Authorizes an embedded frame's socket (`?embed=1`) with its document-scoped session: the
 * session cookie when the browser kept it, otherwise a one-time ticket offered as a
 * subprotocol. A ticket connection gets the next ticket (for its reconnect) once accepted.
 * Account cookies are never considered here, nor embed sessions on the account path.
 */
export async function authorizeEmbedUpgrade(
  req: IncomingMessage,
  documentId: string,
  extensions: boolean,
  storage: Storage,
  now = Date.now(),
): Promise<UpgradeDecision> {
  const reject = (code: CloseCodeValue, reason: string, label: 'session' | 'forbidden' | 'not_found'): UpgradeDecision => ({ kind: 'reject', code, reason, label });
  let state: EmbedSessionState | undefined;
  let via: 'cookie' | 'ticket' = 'cookie';
  const cookie = embedCookieValue(req.headers.cookie, documentId);
  if (cookie) state = await storage.embeds.stateByToken(cookie);
  // A cookie of an ended session is no reason to refuse a valid ticket (e.g. after renewing).
  if (!state || now >= state.session.expiresAt) {
    const ticket = ticketFrom(req.headers['sec-websocket-protocol']);
    const sessionId = ticket ? await storage.embeds.redeemTicket(ticket, now) : undefined;
    if (sessionId) {
      state = await storage.embeds.stateById(sessionId);
      via = 'ticket';
    }
  }
  if (!state) return reject(CloseCode.Unauthorized, 'no embed session, or it expired', 'session');
  if (state.session.documentId !== documentId) return reject(CloseCode.Forbidden, 'embed session is for another document', 'forbidden');
  const access = await embedAccess(storage, state, now);
  if (!access.ok) {
    const d = EMBED_DENIALS[access.reason];
    return reject(d.code as CloseCodeValue, d.reason, d.code === CloseCode.Unauthorized ? 'session' : 'forbidden');
  }
  const userId = embedUserId(state.session);
  return {
    kind: 'accept',
    documentId,
    role: access.role,
    extensions,
    sessionId: state.session.id,
    auth: 'embed',
    nextTicket: via === 'ticket' ? await storage.embeds.createTicket(state.session.id, now, TICKET_TTL_MS) : undefined,
    identity: { userId, name: state.session.name, color: colorFor(userId) },
  };
}
