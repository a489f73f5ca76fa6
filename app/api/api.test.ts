import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getSchema } from '@tiptap/core';
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap';
import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { FRAGMENT, schemaExtensions } from '@/lib/editor/extensions';

const O = 'http://localhost:3000';
process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-api-'));
process.env.APP_ORIGIN = O;

const signup = await import('./auth/signup/route');
const login = await import('./auth/login/route');
const logout = await import('./auth/logout/route');
const me = await import('./me/route');
const documents = await import('./documents/route');
const document = await import('./documents/[id]/route');
const members = await import('./documents/[id]/members/route');
const content = await import('./documents/[id]/content/route');
const { appStorage } = await import('@/lib/server/storage');

type Handler = (req: Request, ctx?: { params: Promise<any> }) => Promise<Response>;

function call(h: Handler, method: string, p: string, o: { body?: unknown; raw?: string; cookie?: string; origin?: string | null; id?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (o.origin !== null) headers.origin = o.origin ?? O;
  if (o.cookie) headers.cookie = o.cookie;
  const body = o.raw ?? (o.body !== undefined ? JSON.stringify(o.body) : undefined);
  const req = new Request(O + p, { method, headers, body });
  return h(req, o.id ? { params: Promise.resolve({ id: o.id }) } : undefined);
}

const cookieOf = (r: Response) => (r.headers.get('set-cookie') ?? '').split(';')[0];
let n = 0;
async function account(name = 'Person') {
  const email = `${name.toLowerCase()}${++n}@example.test`;
  const r = await call(signup.POST, 'POST', '/api/auth/signup', { body: { email, password: 'long enough pw', name } });
  expect(r.status).toBe(201);
  const user = (await r.json()).user as { id: string; email: string };
  return { ...user, cookie: cookieOf(r), password: 'long enough pw' };
}

async function newDoc(cookie: string, title = 'Doc') {
  const r = await call(documents.POST, 'POST', '/api/documents', { body: { title }, cookie });
  expect(r.status).toBe(201);
  return (await r.json()) as { id: string; title: string };
}

async function errorOf(r: Response) {
  return { status: r.status, ...((await r.json()) as { error: { code: string; message: string } }).error };
}

beforeAll(async () => {
  await appStorage();
});

describe('accounts', () => {
  it('signs up with a session cookie that is HttpOnly, SameSite=Lax, Path=/ (not Secure over http)', async () => {
    const r = await call(signup.POST, 'POST', '/api/auth/signup', { body: { email: 'New@Example.test', password: 'long enough pw', name: ' New ' } });
    expect(r.status).toBe(201);
    expect(await r.json()).toMatchObject({ user: { email: 'new@example.test', name: 'New' } });
    const set = r.headers.get('set-cookie')!;
    expect(set).toMatch(/^tandem_session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/);
    const who = await call(me.GET, 'GET', '/api/me', { cookie: cookieOf(r) });
    expect(await who.json()).toMatchObject({ email: 'new@example.test', name: 'New' });
  });

  it('stores only a hash of the session token', async () => {
    const a = await account();
    const token = a.cookie.split('=')[1];
    const storage = await appStorage();
    const rows = await storage.connection.db.selectFrom('sessions').select('token_hash').execute();
    expect(rows.some((r) => r.token_hash === token)).toBe(false);
  });

  it('validates input with clear messages', async () => {
    expect(await errorOf(await call(signup.POST, 'POST', '/api/auth/signup', { body: { email: 'nope', password: 'long enough pw', name: 'x' } }))).toMatchObject({ status: 400, code: 'invalid_request', message: expect.stringContaining('email') });
    expect(await errorOf(await call(signup.POST, 'POST', '/api/auth/signup', { body: { email: 'a@b.test', password: 'short', name: 'x' } }))).toMatchObject({ status: 400, message: expect.stringContaining('8 characters') });
    expect(await errorOf(await call(signup.POST, 'POST', '/api/auth/signup', { raw: '{not json' }))).toMatchObject({ status: 400, code: 'invalid_json' });
  });

  it('does not reveal which emails exist', async () => {
    const a = await account('Known');
    const wrong = await call(login.POST, 'POST', '/api/auth/login', { body: { email: a.email, password: 'wrong password' } });
    const unknown = await call(login.POST, 'POST', '/api/auth/login', { body: { email: 'nobody-here@example.test', password: 'wrong password' } });
    const again = await call(signup.POST, 'POST', '/api/auth/signup', { body: { email: a.email, password: 'another password', name: 'Imposter' } });
    const [e1, e2, e3] = [await errorOf(wrong), await errorOf(unknown), await errorOf(again)];
    expect(e1).toEqual({ status: 401, code: 'invalid_credentials', message: 'Email or password is incorrect.' });
    expect(e2).toEqual(e1);
    expect(e3).toEqual(e1);
  });

  it('signing up again with the right password just signs in', async () => {
    const a = await account('Twice');
    const r = await call(signup.POST, 'POST', '/api/auth/signup', { body: { email: a.email, password: a.password, name: 'Twice' } });
    expect(r.status).toBe(200);
    expect(cookieOf(r)).not.toBe(a.cookie);
  });

  it('logs in with a new session id each time, and logs out', async () => {
    const a = await account('Login');
    const r1 = await call(login.POST, 'POST', '/api/auth/login', { body: { email: a.email.toUpperCase(), password: a.password } });
    const r2 = await call(login.POST, 'POST', '/api/auth/login', { body: { email: a.email, password: a.password } });
    expect(r1.status).toBe(200);
    expect(cookieOf(r1)).not.toBe(cookieOf(r2));
    const out = await call(logout.POST, 'POST', '/api/auth/logout', { cookie: cookieOf(r1) });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^tandem_session=; Path=\/; Max-Age=0/);
    expect((await call(me.GET, 'GET', '/api/me', { cookie: cookieOf(r1) })).status).toBe(401);
    expect((await call(me.GET, 'GET', '/api/me', { cookie: cookieOf(r2) })).status).toBe(200);
  });

  it('rate-limits password guessing per account with 429 and Retry-After', async () => {
    const a = await account('Target');
    for (let i = 0; i < 10; i++) expect((await call(login.POST, 'POST', '/api/auth/login', { body: { email: a.email, password: `guess ${i}` } })).status).toBe(401);
    const blocked = await call(login.POST, 'POST', '/api/auth/login', { body: { email: a.email, password: a.password } });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await errorOf(blocked)).code).toBe('rate_limited');
  });

  it('rejects an idle-expired session', async () => {
    const a = await account('Sleepy');
    const storage = await appStorage();
    await storage.sessions.setTimes(a.cookie.split('=')[1], { lastUsedAt: Date.now() - 8 * 86_400_000 });
    expect((await call(me.GET, 'GET', '/api/me', { cookie: a.cookie })).status).toBe(401);
  });
});

describe('Origin on state-changing requests', () => {
  it('refuses a missing or foreign Origin with 403, and allows GET without one', async () => {
    const a = await account();
    expect(await errorOf(await call(documents.POST, 'POST', '/api/documents', { body: { title: 'x' }, cookie: a.cookie, origin: null }))).toMatchObject({ status: 403, code: 'bad_origin' });
    expect(await errorOf(await call(documents.POST, 'POST', '/api/documents', { body: { title: 'x' }, cookie: a.cookie, origin: 'http://evil.example' }))).toMatchObject({ status: 403, code: 'bad_origin' });
    expect(await errorOf(await call(login.POST, 'POST', '/api/auth/login', { body: { email: a.email, password: a.password }, origin: 'http://evil.example' }))).toMatchObject({ status: 403 });
    expect((await call(documents.GET, 'GET', '/api/documents', { cookie: a.cookie, origin: null })).status).toBe(200);
  });
});

describe('documents', () => {
  it('needs a session', async () => {
    expect(await errorOf(await call(documents.GET, 'GET', '/api/documents'))).toMatchObject({ status: 401, code: 'unauthorized' });
  });

  it('creates, lists, renames and deletes with the right roles', async () => {
    const owner = await account('Owner');
    const ed = await account('Editor');
    const vi = await account('Viewer');
    const stranger = await account('Stranger');
    const d = await newDoc(owner.cookie, 'Plan');
    expect((await call(members.POST, 'POST', '', { id: d.id, cookie: owner.cookie, body: { email: ed.email, role: 'editor' } })).status).toBe(201);
    expect((await call(members.POST, 'POST', '', { id: d.id, cookie: owner.cookie, body: { email: vi.email, role: 'viewer' } })).status).toBe(201);

    const list = await (await call(documents.GET, 'GET', '/api/documents', { cookie: ed.cookie })).json();
    expect(list.documents).toEqual([{ id: d.id, title: 'Plan', role: 'editor', updatedAt: expect.stringMatching(/Z$/), sharing: { people: 2, link: 'restricted' } }]);

    const got = await call(document.GET, 'GET', '', { id: d.id, cookie: vi.cookie });
    expect(await got.json()).toMatchObject({ id: d.id, title: 'Plan', role: 'viewer' });
    expect(await errorOf(await call(document.GET, 'GET', '', { id: d.id, cookie: stranger.cookie }))).toMatchObject({ status: 403, code: 'forbidden' });
    expect(await errorOf(await call(document.GET, 'GET', '', { id: 'AAAAAAAAAAAAAAAAAAAAAA', cookie: owner.cookie }))).toMatchObject({ status: 404 });
    expect(await errorOf(await call(document.GET, 'GET', '', { id: '..', cookie: owner.cookie }))).toMatchObject({ status: 404 });

    expect((await call(document.PATCH, 'PATCH', '', { id: d.id, cookie: ed.cookie, body: { title: '  Plan B ' } })).status).toBe(200);
    expect(await errorOf(await call(document.PATCH, 'PATCH', '', { id: d.id, cookie: vi.cookie, body: { title: 'nope' } }))).toMatchObject({ status: 403 });
    expect(await errorOf(await call(document.PATCH, 'PATCH', '', { id: d.id, cookie: ed.cookie, body: { title: '' } }))).toMatchObject({ status: 400 });
    expect((await (await call(document.GET, 'GET', '', { id: d.id, cookie: owner.cookie })).json()).title).toBe('Plan B');

    expect(await errorOf(await call(document.DELETE, 'DELETE', '', { id: d.id, cookie: ed.cookie }))).toMatchObject({ status: 403, message: 'Only the owner can do this.' });
    expect((await call(document.DELETE, 'DELETE', '', { id: d.id, cookie: owner.cookie })).status).toBe(204);
    expect((await call(document.GET, 'GET', '', { id: d.id, cookie: owner.cookie })).status).toBe(404);
    expect((await (await call(documents.GET, 'GET', '/api/documents', { cookie: ed.cookie })).json()).documents).toEqual([]);
  });

  it('shares only from the owner, with the same answer for known and unknown emails', async () => {
    const owner = await account('Sharer');
    const ed = await account('Helper');
    const d = await newDoc(owner.cookie);
    const known = await call(members.POST, 'POST', '', { id: d.id, cookie: owner.cookie, body: { email: ed.email, role: 'editor' } });
    const unknown = await call(members.POST, 'POST', '', { id: d.id, cookie: owner.cookie, body: { email: 'future@example.test', role: 'viewer' } });
    expect(known.status).toBe(201);
    expect(unknown.status).toBe(201);
    expect(Object.keys(await known.json())).toEqual(Object.keys(await unknown.json()));
    expect(await errorOf(await call(members.POST, 'POST', '', { id: d.id, cookie: ed.cookie, body: { email: 'x@example.test', role: 'viewer' } }))).toMatchObject({ status: 403 });
    expect(await errorOf(await call(members.POST, 'POST', '', { id: d.id, cookie: owner.cookie, body: { email: owner.email, role: 'viewer' } }))).toMatchObject({ status: 409, code: 'conflict' });
    expect(await errorOf(await call(members.POST, 'POST', '', { id: d.id, cookie: owner.cookie, body: { email: ed.email, role: 'owner' } }))).toMatchObject({ status: 400 });
    const listed = (await (await call(members.GET, 'GET', '', { id: d.id, cookie: ed.cookie })).json()).members;
    expect(listed.map((m: { email: string; role: string }) => [m.email, m.role])).toEqual([
      [owner.email, 'owner'],
      [ed.email, 'editor'],
      ['future@example.test', 'viewer'],
    ]);
    // The invited email joins at sign-up.
    const r = await call(signup.POST, 'POST', '/api/auth/signup', { body: { email: 'future@example.test', password: 'long enough pw', name: 'Future' } });
    const docs = await (await call(documents.GET, 'GET', '/api/documents', { cookie: cookieOf(r) })).json();
    expect(docs.documents.map((x: { id: string; role: string }) => [x.id, x.role])).toEqual([[d.id, 'viewer']]);
  });

  it('returns stored content as text and ProseMirror JSON', async () => {
    const owner = await account('Writer');
    const d = await newDoc(owner.cookie);
    const json = {
      type: 'doc',
      content: [
        { type: 'heading', attrs: { level: 1 }, content: [{ type: 'text', text: 'Title' }] },
        { type: 'paragraph', content: [{ type: 'text', text: 'Hello ' }, { type: 'text', text: 'bold', marks: [{ type: 'bold' }] }] },
        { type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'item' }] }] }] },
      ],
    };
    const ydoc = new Y.Doc();
    prosemirrorJSONToYXmlFragment(getSchema(schemaExtensions()), json, ydoc.getXmlFragment(FRAGMENT));
    const storage = await appStorage();
    await storage.updates.append([{ documentId: d.id, data: Y.encodeStateAsUpdate(ydoc) }], Date.now());

    const text = await call(content.GET, 'GET', '/api/documents/x/content?format=text', { id: d.id, cookie: owner.cookie });
    expect(text.headers.get('content-type')).toContain('text/plain');
    expect(await text.text()).toBe('Title\nHello bold\nitem');
    const pm = await (await call(content.GET, 'GET', '/api/documents/x/content?format=json', { id: d.id, cookie: owner.cookie })).json();
    expect(pm).toMatchObject({ type: 'doc', content: [{ type: 'heading' }, { type: 'paragraph', content: [{ text: 'Hello ' }, { text: 'bold', marks: [{ type: 'bold' }] }] }, { type: 'bulletList' }] });
    expect(await errorOf(await call(content.GET, 'GET', '/api/documents/x/content?format=pdf', { id: d.id, cookie: owner.cookie }))).toMatchObject({ status: 400 });
    const stranger = await account('Nosy');
    expect((await call(content.GET, 'GET', '/api/documents/x/content?format=text', { id: d.id, cookie: stranger.cookie })).status).toBe(403);
  });
});
