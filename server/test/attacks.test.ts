import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as login from '../../app/api/auth/login/route';
import * as logout from '../../app/api/auth/logout/route';
import * as signup from '../../app/api/auth/signup/route';
import * as document from '../../app/api/documents/[id]/route';
import * as members from '../../app/api/documents/[id]/members/route';
import * as member from '../../app/api/documents/[id]/members/[userId]/route';
import * as me from '../../app/api/me/route';
import nextConfig from '../../next.config.mjs';
import { decodeMessage, encodeAwarenessUpdate, encodeMessage } from '../../lib/protocol';
import { client, rawConnect, signedInUser, startHarness, storedDoc, waitFor, APP_ORIGIN, type Harness } from './helpers';

/**
 * The attack table of docs/SECURITY.md, row by row (test names start with the row id). Every
 * row checks the outcome and that no document content or awareness reached the attacker.
 * The collaboration server and the app's route handlers share one real SQLite file.
 */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-attacks-'));
process.env.DATA_DIR = dataDir;
process.env.APP_ORIGIN = APP_ORIGIN;

const SECRET = 'TOP-SECRET-CONTENT-91ab';
// Route modules read their configuration at request time, so the settings above apply.
const routes: Record<string, Record<string, unknown>> = {
  'auth/login': login,
  'auth/logout': logout,
  'auth/signup': signup,
  'documents/[id]': document,
  'documents/[id]/members': members,
  'documents/[id]/members/[userId]': member,
  me,
};
const call = async (route: string, method: string, p: string, o: { body?: unknown; cookie?: string; origin?: string | null; params?: Record<string, string> } = {}) => {
  const mod = routes[route];
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (o.origin !== null) headers.origin = o.origin ?? APP_ORIGIN;
  if (o.cookie) headers.cookie = o.cookie;
  const req = new Request(APP_ORIGIN + p, { method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body) });
  return (mod[method] as (r: Request, c?: unknown) => Promise<Response>)(req, o.params ? { params: Promise.resolve(o.params) } : undefined);
};

let h: Harness;
let owner: Awaited<ReturnType<typeof signedInUser>>;
let docId: string;

/** Decoded frames must carry no document content and no awareness state. */
function expectNothingLeaked(frames: Uint8Array[]) {
  for (const f of frames) {
    const m = decodeMessage(f);
    expect(['sync-step2', 'sync-update', 'awareness']).not.toContain(m.type);
    expect(Buffer.from(f).toString('latin1')).not.toContain(SECRET);
  }
}

beforeAll(async () => {
  h = await startHarness({ DATA_DIR: dataDir });
  owner = await signedInUser(h.storage, h.config, 'Owner');
  docId = (await h.storage.documents.create({ title: 'Secret plans', ownerId: owner.user.id, now: Date.now() })).id;
  const c = client(h, docId, owner.cookie);
  c.doc.getText('t').insert(0, SECRET);
  c.provider.awareness.setLocalStateField('cursor', SECRET);
  await waitFor(() => c.tracker.state.kind === 'saved', 5000, 'owner saved');
  c.destroy();
});
afterAll(() => h.stop());

const url = () => `${h.url}/${docId}`;
const hello = [encodeMessage({ type: 'sync-step1', stateVector: new Uint8Array([0]) }), encodeMessage({ type: 'query-awareness' })];

describe('attack table', () => {
  it('A1 upgrade without a cookie → 4401, nothing sent', async () => {
    const r = await rawConnect(url(), { origin: APP_ORIGIN }, hello);
    expect(r.code).toBe(4401);
    expectNothingLeaked(r.frames);
    expect(r.frames).toEqual([]);
  });

  it('A2 upgrade with a forged cookie → 4401, nothing sent', async () => {
    const r = await rawConnect(url(), { origin: APP_ORIGIN, cookie: `tandem_session=${'x'.repeat(43)}` }, hello);
    expect(r.code).toBe(4401);
    expect(r.frames).toEqual([]);
  });

  it('A3 upgrade with an expired session (idle or absolute) → 4401, nothing sent', async () => {
    for (const times of [{ lastUsedAt: Date.now() - h.config.sessionIdleMs - 1 }, { expiresAt: Date.now() - 1 }]) {
      const u = await signedInUser(h.storage, h.config, 'Expired');
      await h.storage.members.share(docId, u.user.email, 'editor', Date.now());
      await h.storage.sessions.setTimes(u.token, times);
      const r = await rawConnect(url(), { origin: APP_ORIGIN, cookie: u.cookie }, hello);
      expect(r.code).toBe(4401);
      expect(r.frames).toEqual([]);
    }
  });

  it('A4 upgrade with a revoked (logged-out) session → 4401, nothing sent', async () => {
    const u = await signedInUser(h.storage, h.config, 'LoggedOut');
    await h.storage.members.share(docId, u.user.email, 'editor', Date.now());
    expect((await call('auth/logout', 'POST', '/api/auth/logout', { cookie: u.cookie })).status).toBe(204);
    const r = await rawConnect(url(), { origin: APP_ORIGIN, cookie: u.cookie }, hello);
    expect(r.code).toBe(4401);
    expect(r.frames).toEqual([]);
  });

  it('A5 cross-site WebSocket hijacking: foreign Origin with a valid cookie → 4403, nothing sent', async () => {
    for (const origin of ['https://evil.example', 'null', `${APP_ORIGIN}.evil.example`]) {
      const r = await rawConnect(url(), { origin, cookie: owner.cookie }, hello);
      expect(r.code).toBe(4403);
      expect(r.frames).toEqual([]);
    }
  });

  it('A6 a signed-in non-member → 4403, nothing sent, document never loaded', async () => {
    await waitFor(() => h.server.rooms.openRooms === 0, 5000, 'rooms unloaded');
    const u = await signedInUser(h.storage, h.config, 'Stranger');
    const r = await rawConnect(url(), { origin: APP_ORIGIN, cookie: u.cookie }, hello);
    expect(r.code).toBe(4403);
    expect(r.frames).toEqual([]);
    expect(h.server.rooms.openRooms).toBe(0);
  });

  it('A7 a member removed while connected → closed 4403 within a second, no edits after removal', async () => {
    const u = await signedInUser(h.storage, h.config, 'Removed');
    await h.storage.members.share(docId, u.user.email, 'editor', Date.now());
    await h.storage.members.acceptInvite(docId, u.user.id, u.user.email, Date.now());
    const victim = client(h, docId, u.cookie);
    const ownerClient = client(h, docId, owner.cookie);
    await waitFor(() => victim.provider.synced && ownerClient.provider.synced, 5000, 'both synced');
    const closed = new Promise<{ code: number; at: number }>((r) => victim.provider.on('closed', (e: { code: number }) => r({ code: e.code, at: Date.now() })));
    const t0 = Date.now();
    expect((await call('documents/[id]/members/[userId]', 'DELETE', '', { cookie: owner.cookie, params: { id: docId, userId: u.user.id } })).status).toBe(204);
    const c = await closed;
    expect(c.code).toBe(4403);
    expect(c.at - t0).toBeLessThan(1000);
    ownerClient.doc.getText('t').insert(0, 'AFTER-REMOVAL ');
    await waitFor(() => ownerClient.tracker.state.kind === 'saved', 5000, 'owner saved');
    await new Promise((r) => setTimeout(r, 200));
    expect(victim.text()).not.toContain('AFTER-REMOVAL');
    victim.destroy();
    ownerClient.destroy();
  });

  it('A8 a viewer sending sync step 2 and updates → refused and told, document unchanged', async () => {
    const u = await signedInUser(h.storage, h.config, 'Viewer');
    await h.storage.members.share(docId, u.user.email, 'viewer', Date.now());
    const before = (await storedDoc(h.storage, docId)).getText('t').toString();
    const evil = new Y.Doc();
    evil.getText('t').insert(0, 'DEFACED');
    const update = Y.encodeStateAsUpdate(evil);
    const r = await rawConnect(url(), { origin: APP_ORIGIN, cookie: u.cookie }, [encodeMessage({ type: 'sync-step2', update }), encodeMessage({ type: 'sync-update', update })]);
    expect(r.frames.map((f) => decodeMessage(f).type)).toContain('auth-denied');
    expect((await storedDoc(h.storage, docId)).getText('t').toString()).toBe(before);
  });

  it('A9 a viewer spoofing awareness (another name, another client id) → rewritten or dropped', async () => {
    const u = await signedInUser(h.storage, h.config, 'Spoofer');
    await h.storage.members.share(docId, u.user.email, 'viewer', Date.now());
    const watcher = client(h, docId, owner.cookie);
    await waitFor(() => watcher.provider.synced, 5000, 'watcher synced');
    // A second connection of the owner, whose client id the attacker tries to speak for.
    const victim = client(h, docId, owner.cookie);
    await waitFor(() => victim.provider.synced, 5000, 'victim synced');
    victim.provider.awareness.setLocalStateField('cursor', 'mine');
    await waitFor(() => watcher.provider.awareness.getStates().get(victim.doc.clientID)?.cursor === 'mine', 5000, 'victim visible');
    const seen: { id: number; user: unknown }[] = [];
    watcher.provider.awareness.on('change', ({ added, updated }: { added: number[]; updated: number[] }) => {
      for (const id of [...added, ...updated]) seen.push({ id, user: watcher.provider.awareness.getStates().get(id)?.user });
    });
    const forged = encodeAwarenessUpdate([
      { clientId: 424242, clock: 1, state: { user: { name: 'Owner', color: '#000', id: owner.user.id } } },
      { clientId: victim.doc.clientID, clock: 99_999, state: { user: { name: 'hijacked' } } },
    ]);
    await rawConnect(url(), { origin: APP_ORIGIN, cookie: u.cookie }, [encodeMessage({ type: 'awareness', update: forged })], 400);
    // The spoofed name was replaced by the spoofer's own account...
    expect(seen.filter((s) => s.id === 424242).map((s) => s.user)).toEqual([expect.objectContaining({ name: 'Spoofer', id: u.user.id })]);
    // ...and the state claimed for someone else's client id never reached anyone.
    expect(seen.filter((s) => s.id === victim.doc.clientID)).toEqual([]);
    expect(watcher.provider.awareness.getStates().get(victim.doc.clientID)?.user).not.toMatchObject({ name: 'hijacked' });
    watcher.destroy();
    victim.destroy();
  });

  it('A10 API mutations with a missing or foreign Origin → 403, nothing changed', async () => {
    for (const origin of [null, 'https://evil.example']) {
      const r = await call('documents/[id]', 'PATCH', '', { cookie: owner.cookie, origin, body: { title: 'pwned' }, params: { id: docId } });
      expect(r.status).toBe(403);
      expect((await r.json()).error.code).toBe('bad_origin');
      const del = await call('documents/[id]/members', 'POST', '', { cookie: owner.cookie, origin, body: { email: 'attacker@example.test', role: 'editor' }, params: { id: docId } });
      expect(del.status).toBe(403);
    }
    expect((await h.storage.documents.find(docId))?.title).toBe('Secret plans');
    expect((await h.storage.members.list(docId)).some((m) => m.email === 'attacker@example.test')).toBe(false);
  });

  it('A11 account enumeration through login, signup and sharing → identical answers', async () => {
    const known = await signedInUser(h.storage, h.config, 'Known');
    const bodies = async (r: Response) => [r.status, await r.text()];
    const loginKnown = await bodies(await call('auth/login', 'POST', '/api/auth/login', { body: { email: known.user.email, password: 'wrong password' } }));
    const loginUnknown = await bodies(await call('auth/login', 'POST', '/api/auth/login', { body: { email: 'nobody@example.test', password: 'wrong password' } }));
    const signupKnown = await bodies(await call('auth/signup', 'POST', '/api/auth/signup', { body: { email: known.user.email, password: 'wrong password', name: 'X' } }));
    expect(loginKnown).toEqual(loginUnknown);
    expect(signupKnown).toEqual(loginUnknown);
    const share = async (email: string) => bodies(await call('documents/[id]/members', 'POST', '', { cookie: owner.cookie, body: { email: email.toUpperCase(), role: 'viewer' }, params: { id: docId } }));
    const [a, b] = [await share(known.user.email), await share('nobody-here@example.test')];
    expect(a[0]).toBe(b[0]);
    const list = (await h.storage.members.list(docId)).filter((m) => m.email === known.user.email || m.email === 'nobody-here@example.test');
    expect(list.map(({ email: _e, ...rest }) => rest)).toEqual([
      { userId: null, name: null, role: 'viewer', pending: true },
      { userId: null, name: null, role: 'viewer', pending: true },
    ]);
  });

  it('A12 brute-force login → 429 with Retry-After, even for the right password', async () => {
    const u = await signedInUser(h.storage, h.config, 'Target');
    const { hashPassword } = await import('../../lib/auth/password');
    await h.storage.users.setPasswordHash(u.user.id, await hashPassword('the right password'));
    for (let i = 0; i < 10; i++) expect((await call('auth/login', 'POST', '/api/auth/login', { body: { email: u.user.email, password: `guess ${i}` } })).status).toBe(401);
    const r = await call('auth/login', 'POST', '/api/auth/login', { body: { email: u.user.email, password: 'the right password' } });
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('A13 a reset or guessed share link gives nothing', async () => {
    const stranger = await signedInUser(h.storage, h.config, 'Guesser');
    const { token } = await h.storage.links.setAccess(docId, 'viewer', Date.now());
    await h.storage.links.rotate(docId, Date.now());
    expect(await h.storage.links.redeem(docId, stranger.user.id, token!, Date.now())).toBeNull();
    expect(await h.storage.links.redeem(docId, stranger.user.id, 'A'.repeat(43), Date.now())).toBeNull();
    const r = await rawConnect(url(), { origin: APP_ORIGIN, cookie: stranger.cookie }, hello);
    expect(r.code).toBe(4403);
    expect(r.frames).toEqual([]);
    await h.storage.links.setAccess(docId, 'restricted', Date.now());
  });

  it('A14 session fixation: a session cookie set before login is replaced and revoked', async () => {
    const u = await signedInUser(h.storage, h.config, 'Fixed');
    const { hashPassword } = await import('../../lib/auth/password');
    await h.storage.users.setPasswordHash(u.user.id, await hashPassword('fixation pw 1'));
    const r = await call('auth/login', 'POST', '/api/auth/login', { cookie: u.cookie, body: { email: u.user.email, password: 'fixation pw 1' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('set-cookie')).not.toContain(u.token);
    expect((await call('me', 'GET', '/api/me', { cookie: u.cookie })).status).toBe(401);
  });

  it('A15 app pages refuse to be framed and do not leak URLs', async () => {
    const rules = await nextConfig.headers!();
    const on = (path: string) => rules.filter((r: { source: string }) => new RegExp(`^${r.source.replace('/:path*', '/.*')}$`).test(path)).flatMap((r: { headers: { key: string; value: string }[] }) => r.headers);
    const get = (path: string, k: string) => on(path).find((x: { key: string }) => x.key === k)?.value;
    for (const path of ['/', '/d/6stqodh7FUUa_fKzLN_ezQ', '/login', '/account', '/embed.js', '/api/me', '/d/6stqodh7FUUa_fKzLN_ezQ/embed-signin']) {
      expect([path, get(path, 'Content-Security-Policy'), get(path, 'X-Frame-Options')]).toEqual([path, "frame-ancestors 'none'", 'DENY']);
      expect(get(path, 'X-Content-Type-Options')).toBe('nosniff');
      expect(get(path, 'Referrer-Policy')).toBe('same-origin');
    }
    // Only embed pages are left to web/embed-framing.ts, which sets the document's own frame-ancestors.
    expect(get('/embed/6stqodh7FUUa_fKzLN_ezQ', 'Content-Security-Policy')).toBeUndefined();
    expect(get('/embed/6stqodh7FUUa_fKzLN_ezQ', 'Referrer-Policy')).toBe('same-origin');
  });
});
