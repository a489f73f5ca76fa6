import { createHash, randomBytes } from 'node:crypto';

/** A random identifier with 128 bits of entropy, URL-safe (22 characters). */
export function newId(): string {
  return randomBytes(16).toString('base64url');
}

/** A session or link secret with 256 bits of entropy, URL-safe (43 characters). */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** What the database keeps of a secret: its SHA-256, so a leaked table does not leak sessions. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

const ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

/** True when `value` has the shape of an id this app issues (cheap check before any lookup). */
export function isId(value: string): boolean {
  return ID_PATTERN.test(value);
}
