import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStorage, type Storage } from '../storage';
import { exchangeEmbedToken } from './exchange';
import { mintEmbedToken, verifyEmbedToken, type TokenRejection } from './tokens';

const HOST = 'https://host.example';
let s: Storage;
let docId: string;
let otherDocId: string;
let key: { id: string; secret: string };
let userId: string;

beforeAll(async () => {
  s = await openStorage({ sqliteFile: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-tokens-')), 't.db') });
  const u = (await s.users.create({ email: 'owner@example.test', name: 'Owner', passwordHash: 'h', now: Date.now() }))!;
  userId = u.id;
  docId = (await s.documents.create({ title: 'Embedded', ownerId: u.id, now: Date.now() })).id;
  otherDocId = (await s.documents.create({ title: 'Other', ownerId: u.id, now: Date.now() })).id;
  await s.embeds.setSettings(docId, { allowedOrigins: [HOST], role: 'editor' }, Date.now());
  await s.embeds.setSettings(otherDocId, { allowedOrigins: [HOST], role: 'editor' }, Date.now());
  key = await s.embeds.createKey(docId, 'Test', Date.now());
});
afterAll(() => s.close());

const mint = (over: Partial<Parameters<typeof mintEmbedToken>[0]> = {}) =>
  mintEmbedToken({ keyId: key.id, secret: key.secret, documentId: docId, role: 'editor', name: 'Visitor', sub: 'v-1', origin: HOST, ...over });

/** Signs arbitrary claims and header with the test key (for malformed and out-of-range tokens). */
const raw = (claims: Record<string, unknown>, header: Record<string, unknown> = {}, secret = key.secret) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: key.id, ...header } as { alg: string }).sign(new TextEncoder().encode(secret));

const now = () => Math.floor(Date.now() / 1000);
const full = () => ({ doc: docId, role: 'editor', name: 'V', sub: 's', origin: HOST, jti: crypto.randomUUID(), exp: now() + 60 });

async function verify(token: string, ctx: { documentId?: string; origin?: string; allowed?: string[] } = {}) {
  return verifyEmbedToken(token, {
    documentId: ctx.documentId ?? docId,
    origin: ctx.origin ?? HOST,
    allowedOrigins: ctx.allowed ?? [HOST],
    now: Date.now(),
    findKey: (id) => s.embeds.findKey(id),
  });
}
const reason = async (p: Promise<{ ok: boolean; reason?: TokenRejection }>) => ((await p) as { reason?: string }).reason;

describe('embed token verification', () => {
  it('accepts a well-formed token and returns its claims', async () => {
    const v = await verify(await mint());
    expect(v).toMatchObject({ ok: true, claims: { keyId: key.id, documentId: docId, role: 'editor', name: 'Visitor', sub: 'v-1', origin: HOST } });
  });

  it('refuses malformed tokens: not a JWT, alg none, another alg, no kid', async () => {
    expect(await reason(verify('not a token'))).toBe('malformed');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid: key.id })).toString('base64url')}.${Buffer.from(JSON.stringify(full())).toString('base64url')}.`;
    expect(await reason(verify(none))).toBe('malformed');
    expect(await reason(verify(await raw(full(), { alg: 'HS512' })))).toBe('malformed');
    const noKid = await new SignJWT(full()).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(key.secret));
    expect(await reason(verify(noKid))).toBe('malformed');
  });

  it('refuses an unknown key and a key of another document', async () => {
    expect(await reason(verify(await mint({ keyId: 'no-such-key-id-123456' })))).toBe('unknown_key');
    const other = await s.embeds.createKey(otherDocId, 'Other', Date.now());
    expect(await reason(verify(await mint({ keyId: other.id, secret: other.secret })))).toBe('wrong_document');
  });

  it('refuses a tampered payload and a token signed with another secret', async () => {
    const [h, p, sig] = (await mint()).split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, role: 'editor', name: 'Admin' })).toString('base64url');
    expect(await reason(verify(`${h}.${forged}.${sig}`))).toBe('tampered');
    expect(await reason(verify(await mint({ secret: 'x'.repeat(43) })))).toBe('tampered');
  });

  it('refuses expired tokens and tokens living longer than five minutes', async () => {
    expect(await reason(verify(await raw({ ...full(), exp: now() - 120 })))).toBe('expired');
    expect(await reason(verify(await raw({ ...full(), exp: now() + 3600 })))).toBe('lifetime_too_long');
    expect((await verify(await raw({ ...full(), exp: now() + 299 }))).ok).toBe(true);
  });

  it('refuses missing or bad claims', async () => {
    for (const drop of ['doc', 'role', 'name', 'sub', 'origin', 'jti', 'exp']) {
      const c: Record<string, unknown> = full();
      delete c[drop];
      expect([drop, await reason(verify(await raw(c)))]).toEqual([drop, 'invalid_claims']);
    }
    expect(await reason(verify(await raw({ ...full(), role: 'owner' })))).toBe('invalid_claims');
    expect(await reason(verify(await raw({ ...full(), name: '' })))).toBe('invalid_claims');
    expect(await reason(verify(await raw({ ...full(), name: 'n'.repeat(81) })))).toBe('invalid_claims');
  });

  it('refuses a token for another document, another origin, or an origin the document does not allow', async () => {
    expect(await reason(verify(await mint({ documentId: otherDocId })))).toBe('wrong_document');
    expect(await reason(verify(await mint(), { origin: 'https://evil.example' }))).toBe('wrong_origin');
    const evil = await mint({ origin: 'https://evil.example' });
    expect(await reason(verify(evil, { origin: 'https://evil.example' }))).toBe('origin_not_allowed');
  });

  it('refuses tokens of a revoked key, even expired ones', async () => {
    const k = await s.embeds.createKey(docId, 'Soon revoked', Date.now());
    const t = await mint({ keyId: k.id, secret: k.secret });
    expect((await verify(t)).ok).toBe(true);
    expect(await s.embeds.revokeKey(docId, k.id, Date.now())).toBe('ok');
    expect(await reason(verify(t))).toBe('revoked_key');
    expect(await reason(verify(await raw({ ...full(), exp: now() - 120 }, { kid: k.id }, k.secret)))).toBe('revoked_key');
  });
});

describe('token exchange', () => {
  it('makes a session and a one-time ticket; the same token a second time is a replay', async () => {
    const t = await mint();
    const r = await exchangeEmbedToken(s, { documentId: docId, token: t, origin: HOST, now: Date.now() });
    expect(r).toMatchObject({ ok: true, session: { documentId: docId, role: 'editor', name: 'Visitor', keyId: key.id, userId: null } });
    if (!r.ok) throw new Error('exchange failed');
    expect(r.cookieValue).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await s.embeds.stateByToken(r.cookieValue))?.session.id).toBe(r.session.id);
    expect(await s.embeds.redeemTicket(r.ticket, Date.now())).toBe(r.session.id);
    expect(await s.embeds.redeemTicket(r.ticket, Date.now())).toBeUndefined();
    expect(await exchangeEmbedToken(s, { documentId: docId, token: t, origin: HOST, now: Date.now() })).toEqual({ ok: false, reason: 'replayed' });
  });

  it('gives no more than the document allows, and refuses unknown documents', async () => {
    await s.embeds.setSettings(docId, { allowedOrigins: [HOST], role: 'viewer' }, Date.now());
    const r = await exchangeEmbedToken(s, { documentId: docId, token: await mint(), origin: HOST, now: Date.now() });
    expect(r).toMatchObject({ ok: true, session: { role: 'viewer' } });
    await s.embeds.setSettings(docId, { allowedOrigins: [HOST], role: 'editor' }, Date.now());
    expect(await exchangeEmbedToken(s, { documentId: 'no-such-document-id', token: await mint(), origin: HOST, now: Date.now() })).toEqual({ ok: false, reason: 'not_found' });
  });

  it("gives an account's token the account's identity, and refuses it once the account has no access", async () => {
    const app = await s.embeds.appKey(docId, Date.now());
    expect((await s.embeds.appKey(docId, Date.now())).id).toBe(app.id);
    expect((await s.embeds.listKeys(docId)).map((k) => k.id)).not.toContain(app.id);
    const r = await exchangeEmbedToken(s, { documentId: docId, token: await mint({ keyId: app.id, secret: app.secret, sub: userId, name: 'Owner' }), origin: HOST, now: Date.now() });
    expect(r).toMatchObject({ ok: true, session: { userId, name: 'Owner', role: 'editor' } });
    const stranger = (await s.users.create({ email: 'stranger@example.test', name: 'S', passwordHash: 'h', now: Date.now() }))!;
    const r2 = await exchangeEmbedToken(s, { documentId: docId, token: await mint({ keyId: app.id, secret: app.secret, sub: stranger.id }), origin: HOST, now: Date.now() });
    expect(r2).toEqual({ ok: false, reason: 'no_access' });
  });
});
