import { decodeProtectedHeader, errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { EmbedKey, EmbedRole } from '../storage';

/** Longest lifetime a token may have: `exp` at most this far ahead of the time it is used. */
export const MAX_TOKEN_LIFETIME_S = 5 * 60;
/** Clock difference tolerated between the host's backend and Tandem. */
export const CLOCK_SKEW_S = 30;

/** Why a token was refused. Each has a message the frame shows (see REJECTION_MESSAGES). */
export type TokenRejection =
  | 'malformed'
  | 'unknown_key'
  | 'revoked_key'
  | 'tampered'
  | 'expired'
  | 'lifetime_too_long'
  | 'invalid_claims'
  | 'wrong_document'
  | 'wrong_origin'
  | 'origin_not_allowed'
  | 'replayed'
  | 'no_access';

export const REJECTION_MESSAGES: Record<TokenRejection, string> = {
  malformed: 'The embed token is not a valid JWT (HS256 with a kid header).',
  unknown_key: 'The embed token was signed with a key this document does not know.',
  revoked_key: 'The integration key that signed this token has been revoked.',
  tampered: 'The embed token’s signature does not match: it was altered or signed with another secret.',
  expired: 'The embed token has expired. Reload the page to get a new one.',
  lifetime_too_long: `The embed token lives too long: exp must be at most ${MAX_TOKEN_LIFETIME_S / 60} minutes ahead.`,
  invalid_claims: 'The embed token lacks a required claim (doc, role, name, sub, origin, exp, jti) or one has a bad value.',
  wrong_document: 'The embed token is for another document.',
  wrong_origin: 'The embed token was made for another site than the page embedding this document.',
  origin_not_allowed: 'This site is not allowed to embed this document.',
  replayed: 'The embed token was already used. Each token works once; reload the page to get a new one.',
  no_access: 'Your Tandem account no longer has access to this document.',
};

/** The claims of a verified token (times in milliseconds). */
export interface EmbedClaims {
  keyId: string;
  documentId: string;
  role: EmbedRole;
  name: string;
  sub: string;
  origin: string;
  jti: string;
  expiresAt: number;
}

export type Verified = { ok: true; claims: EmbedClaims; key: EmbedKey } | { ok: false; reason: TokenRejection };

export interface VerifyContext {
  /** The document the frame is showing. */
  documentId: string;
  /** The origin of the page that handed the token to the frame (the postMessage origin). */
  origin: string;
  /** Origins the document may be embedded in. */
  allowedOrigins: readonly string[];
  now: number;
  findKey(id: string): Promise<EmbedKey | undefined>;
}

const text = (max: number) => (v: unknown): v is string => typeof v === 'string' && v.trim().length > 0 && v.length <= max;
const isRole = (v: unknown): v is EmbedRole => v === 'viewer' || v === 'editor';

/**
 * Verifies an embed token: HS256 signed with the integration key named by `kid`, not expired,
 * living at most five minutes, for this document, made for the page's origin, which the
 * document allows. Does not consume the `jti` (see `exchange.ts`), so it has no side effects.
 */
export async function verifyEmbedToken(token: string, ctx: VerifyContext): Promise<Verified> {
  let kid: string | undefined;
  try {
    const header = decodeProtectedHeader(token);
    if (header.alg !== 'HS256' || typeof header.kid !== 'string' || token.split('.').length !== 3) return { ok: false, reason: 'malformed' };
    kid = header.kid;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const key = await ctx.findKey(kid);
  if (!key) return { ok: false, reason: 'unknown_key' };
  if (key.documentId !== ctx.documentId) return { ok: false, reason: 'wrong_document' };
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, new TextEncoder().encode(key.secret), {
      algorithms: ['HS256'],
      currentDate: new Date(ctx.now),
      clockTolerance: CLOCK_SKEW_S,
      requiredClaims: ['exp', 'jti'],
    }));
  } catch (e) {
    if (e instanceof errors.JWSSignatureVerificationFailed) return { ok: false, reason: 'tampered' };
    if (e instanceof errors.JWTExpired) return { ok: false, reason: key.revokedAt !== null ? 'revoked_key' : 'expired' };
    if (e instanceof errors.JWTClaimValidationFailed) return { ok: false, reason: 'invalid_claims' };
    return { ok: false, reason: 'malformed' };
  }
  if (key.revokedAt !== null) return { ok: false, reason: 'revoked_key' };
  const { doc, role, name, sub, origin, jti, exp } = payload as Record<string, unknown>;
  if (!text(200)(doc) || !isRole(role) || !text(80)(name) || !text(255)(sub) || !text(255)(origin) || !text(255)(jti) || typeof exp !== 'number') {
    return { ok: false, reason: 'invalid_claims' };
  }
  if (exp * 1000 - ctx.now > (MAX_TOKEN_LIFETIME_S + CLOCK_SKEW_S) * 1000) return { ok: false, reason: 'lifetime_too_long' };
  if (doc !== ctx.documentId) return { ok: false, reason: 'wrong_document' };
  if (origin !== ctx.origin) return { ok: false, reason: 'wrong_origin' };
  if (!ctx.allowedOrigins.includes(origin)) return { ok: false, reason: 'origin_not_allowed' };
  return { ok: true, key, claims: { keyId: key.id, documentId: doc, role, name: name.trim(), sub, origin, jti, expiresAt: exp * 1000 } };
}

export interface MintInput {
  keyId: string;
  secret: string;
  documentId: string;
  role: EmbedRole;
  name: string;
  sub: string;
  origin: string;
  /** Lifetime in seconds (at most five minutes). */
  ttlSeconds?: number;
  now?: number;
}

/**
 * Mints a token the way any host backend would (`npm run embed:token`, the app's own tokens
 * for signed-in accounts, tests). The key's secret string, UTF-8 encoded, is the HMAC key.
 */
export function mintEmbedToken(i: MintInput): Promise<string> {
  const nowS = Math.floor((i.now ?? Date.now()) / 1000);
  return new SignJWT({ doc: i.documentId, role: i.role, name: i.name, origin: i.origin })
    .setProtectedHeader({ alg: 'HS256', kid: i.keyId, typ: 'JWT' })
    .setSubject(i.sub)
    .setIssuedAt(nowS)
    .setExpirationTime(nowS + Math.min(i.ttlSeconds ?? MAX_TOKEN_LIFETIME_S, MAX_TOKEN_LIFETIME_S))
    .setJti(crypto.randomUUID())
    .sign(new TextEncoder().encode(i.secret));
}
