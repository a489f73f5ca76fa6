import { describe, expect, it } from 'vitest';
import { parseCookies, serializeCookie } from './cookies';
import { hashPassword, verifyPassword } from './password';
import { sessionCookieName, sessionTokenFrom } from './session';
import { RateLimiter } from '../http/rate-limit';
import { colorFor, PALETTE } from '../colors';
import { hashSecret, isId, newId, newSecret } from '../ids';

describe('passwords', () => {
  it('hashes with argon2id and verifies only the right password', async () => {
    const h = await hashPassword('correct horse battery');
    expect(h).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(h, 'correct horse battery')).toBe(true);
    expect(await verifyPassword(h, 'wrong')).toBe(false);
    expect(await verifyPassword(undefined, 'anything')).toBe(false);
    expect(await verifyPassword('not a hash', 'x')).toBe(false);
  });
});

describe('secrets and ids', () => {
  it('session tokens carry 256 bits and are stored only as a hash', () => {
    const t = newSecret();
    expect(Buffer.from(t, 'base64url')).toHaveLength(32);
    expect(hashSecret(t)).not.toContain(t);
    expect(hashSecret(t)).toBe(hashSecret(t));
    expect(new Set(Array.from({ length: 1000 }, newSecret)).size).toBe(1000);
  });

  it('ids are 128-bit and validated by shape', () => {
    expect(Buffer.from(newId(), 'base64url')).toHaveLength(16);
    expect(isId(newId())).toBe(true);
    expect(isId('../etc/passwd')).toBe(false);
    expect(isId('short')).toBe(false);
  });
});

describe('cookies', () => {
  it('serialises the session cookie with the required attributes', () => {
    expect(serializeCookie('tandem_session', 'abc', { secure: false, maxAgeSeconds: 60 })).toBe('tandem_session=abc; Path=/; Max-Age=60; HttpOnly; SameSite=Lax');
    expect(serializeCookie('__Host-tandem_session', 'abc', { secure: true })).toBe('__Host-tandem_session=abc; Path=/; HttpOnly; SameSite=Lax; Secure');
  });

  it('uses the __Host- prefix over https', () => {
    expect(sessionCookieName({ secureCookies: true })).toBe('__Host-tandem_session');
    expect(sessionCookieName({ secureCookies: false })).toBe('tandem_session');
  });

  it('parses headers and ignores malformed session tokens', () => {
    const token = newSecret();
    expect(parseCookies('a=1; b="2"; a=3; c=%41')).toEqual(new Map([['a', '1'], ['b', '2'], ['c', 'A']]));
    expect(sessionTokenFrom(`x=1; tandem_session=${token}`, { secureCookies: false })).toBe(token);
    expect(sessionTokenFrom('tandem_session=short', { secureCookies: false })).toBeUndefined();
    expect(sessionTokenFrom(`tandem_session=${token}`, { secureCookies: true })).toBeUndefined();
  });
});

describe('rate limiter', () => {
  it('blocks after the limit until the window passes', () => {
    const r = new RateLimiter(3, 60_000);
    for (let i = 0; i < 3; i++) {
      expect(r.retryAfter('k', 1000)).toBe(0);
      r.hit('k', 1000);
    }
    expect(r.retryAfter('k', 1000)).toBe(60);
    expect(r.retryAfter('other', 1000)).toBe(0);
    expect(r.retryAfter('k', 61_000)).toBe(0);
  });
});

describe('colours', () => {
  it('gives each account a stable colour from the palette', () => {
    expect(colorFor('user-a')).toBe(colorFor('user-a'));
    expect(PALETTE).toContain(colorFor('user-b'));
    const seen = new Set(Array.from({ length: 200 }, (_, i) => colorFor(`u${i}`)));
    expect(seen.size).toBeGreaterThan(8);
  });
});
