import type { IncomingMessage } from 'node:http';
import { colorFor } from '../lib/colors';
import type { Config } from '../lib/config';
import { sessionAccessFromCookieHeader, sessionFromCookieHeader } from '../lib/auth/session';
import { isId } from '../lib/ids';
import { EMBED_PARAM, EXTENSIONS_PARAM, CloseCode, type CloseCodeValue } from '../lib/protocol';
import type { Role, Storage } from '../lib/storage';
import { authorizeEmbedUpgrade } from './embed-upgrade';
import type { RejectReason } from './metrics';
import type { Identity } from './peer';

export type UpgradeDecision =
  | {
      kind: 'accept';
      documentId: string;
      identity: Identity;
      role: Role;
      extensions: boolean;
      /** An account session, or an embed session (`auth: 'embed'`). */
      sessionId: string;
      auth: 'account' | 'embed';
      /** For an embed socket that came with a ticket: the one-time ticket for its next connection. */
      nextTicket?: string;
    }
  | { kind: 'reject'; code: CloseCodeValue; reason: string; label: RejectReason };

/**
 * The document id is the last path segment, so the server also works behind a proxy that
 * mounts it under a prefix (`/collab/<id>`). Query parameters carry protocol options only.
 */
export function parseTarget(url: string | undefined): { documentId: string | null; extensions: boolean; embed: boolean } {
  const u = new URL(url ?? '/', 'http://collab.invalid');
  const last = u.pathname.split('/').filter(Boolean).pop() ?? '';
  let documentId: string | null = null;
  try {
    const decoded = decodeURIComponent(last);
    documentId = isId(decoded) ? decoded : null;
  } catch {
    documentId = null;
  }
  return { documentId, extensions: u.searchParams.get(EXTENSIONS_PARAM) === '1', embed: u.searchParams.get(EMBED_PARAM) === '1' };
}

/**
 * Decides, before any document is touched, whether an upgrade may join a document: the
 * Origin must be allowed, the session cookie live, and the account a member. Rejections carry
 * the final close code the client will see.
 */
export async function authorizeUpgrade(
  req: IncomingMessage,
  deps: { storage: Storage; config: Config },
): Promise<UpgradeDecision> {
  const origin = req.headers.origin;
  if (!origin || !deps.config.allowedOrigins.includes(origin)) {
    return { kind: 'reject', code: CloseCode.Forbidden, reason: 'origin not allowed', label: 'origin' };
  }
  const { documentId, extensions, embed } = parseTarget(req.url);
  if (embed) {
    if (!documentId) return { kind: 'reject', code: CloseCode.NotFound, reason: 'no such document', label: 'not_found' };
    return authorizeEmbedUpgrade(req, documentId, extensions, deps.storage);
  }
  const noSession: UpgradeDecision = { kind: 'reject', code: CloseCode.Unauthorized, reason: 'no session or session expired', label: 'session' };
  const notFound: UpgradeDecision = { kind: 'reject', code: CloseCode.NotFound, reason: 'no such document', label: 'not_found' };
  if (!documentId) return (await sessionFromCookieHeader(deps.storage, deps.config, req.headers.cookie)) ? notFound : noSession;
  // The session and the document's access in one query (one per upgrade, not two).
  const found = await sessionAccessFromCookieHeader(deps.storage, deps.config, req.headers.cookie, documentId);
  if (!found) return noSession;
  const { session, access } = found;
  if (!access) return notFound;
  if (!access.role) return { kind: 'reject', code: CloseCode.Forbidden, reason: 'no access to this document', label: 'forbidden' };
  return {
    kind: 'accept',
    documentId,
    role: access.role,
    extensions,
    sessionId: session.id,
    auth: 'account',
    identity: { userId: session.user.id, name: session.user.name, color: colorFor(session.user.id) },
  };
}
