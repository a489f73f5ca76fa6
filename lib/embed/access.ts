import { CloseCode } from '../protocol/close-codes';
import type { EmbedRole, EmbedSession, EmbedSessionState, Storage } from '../storage';

export type EmbedDenial = 'gone' | 'expired' | 'key_revoked' | 'origin_removed' | 'no_access';

export type EmbedAccess = { ok: true; role: EmbedRole } | { ok: false; reason: EmbedDenial };

/** How a collaboration socket is closed when an embed session loses access, and what the frame shows. */
export const EMBED_DENIALS: Record<EmbedDenial, { code: number; reason: string }> = {
  gone: { code: CloseCode.Unauthorized, reason: 'embed session ended' },
  expired: { code: CloseCode.Unauthorized, reason: 'embed session expired' },
  key_revoked: { code: CloseCode.Forbidden, reason: 'integration key revoked' },
  origin_removed: { code: CloseCode.Forbidden, reason: 'this site may no longer embed the document' },
  no_access: { code: CloseCode.Forbidden, reason: 'access removed' },
};

const weaker = (a: EmbedRole, b: EmbedRole): EmbedRole => (a === 'viewer' || b === 'viewer' ? 'viewer' : 'editor');

/**
 * What an embed session may do now. Computed afresh on every check, so revoking the key,
 * removing the origin, lowering the embedded role or (for a Tandem account) losing access
 * take effect on open connections. The role is never stronger than the token asked for.
 */
export async function embedAccess(storage: Storage, state: EmbedSessionState | undefined, now: number): Promise<EmbedAccess> {
  if (!state) return { ok: false, reason: 'gone' };
  const { session, settings } = state;
  if (now >= session.expiresAt) return { ok: false, reason: 'expired' };
  if (state.keyRevoked) return { ok: false, reason: 'key_revoked' };
  if (!settings.allowedOrigins.includes(session.origin)) return { ok: false, reason: 'origin_removed' };
  if (session.userId === null) return { ok: true, role: weaker(session.role, settings.role) };
  // A Tandem account appears with its own role on the document (an owner edits, never manages, from a frame).
  const own = (await storage.documents.access(session.documentId, session.userId))?.role;
  if (!own) return { ok: false, reason: 'no_access' };
  return { ok: true, role: weaker(session.role, own === 'viewer' ? 'viewer' : 'editor') };
}

/** The account-like id an embed session appears under: the account for app tokens, else key and subject. */
export function embedUserId(session: Pick<EmbedSession, 'userId' | 'keyId' | 'sub'>): string {
  return session.userId ?? `embed:${session.keyId}:${session.sub}`;
}
