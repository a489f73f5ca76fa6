import { describe, expect, it } from 'vitest';
import { account, call, cookieOf, errorOf, newDoc, ORIGIN } from './test-api';

const members = await import('./documents/[id]/members/route');
const member = await import('./documents/[id]/members/[userId]/route');
const invitation = await import('./documents/[id]/invitations/[email]/route');
const link = await import('./documents/[id]/link/route');
const rotate = await import('./documents/[id]/link/rotate/route');
const transfer = await import('./documents/[id]/transfer/route');
const documents = await import('./documents/route');
const document = await import('./documents/[id]/route');
const login = await import('./auth/login/route');
const logoutAll = await import('./auth/logout-all/route');
const password = await import('./auth/password/route');
const me = await import('./me/route');
const { appStorage } = await import('@/lib/server/storage');

/** An owner, a document, and a second account that has opened it as `role`. */
async function shared(role: 'editor' | 'viewer') {
  const owner = await account('Owner');
  const other = await account('Other');
  const d = await newDoc(owner.cookie);
  expect((await call(members.POST, 'POST', '', { params: { id: d.id }, cookie: owner.cookie, body: { email: other.email, role } })).status).toBe(201);
  await (await appStorage()).members.acceptInvite(d.id, other.id, other.email, Date.now());
  return { owner, other, d };
}

describe('members', () => {
  it('lets the owner change a role and remove a member; others get 403', async () => {
    const { owner, other, d } = await shared('viewer');
    const p = { id: d.id, userId: other.id };
    expect(await errorOf(await call(member.PATCH, 'PATCH', '', { params: p, cookie: other.cookie, body: { role: 'editor' } }))).toMatchObject({ status: 403 });
    const r = await call(member.PATCH, 'PATCH', '', { params: p, cookie: owner.cookie, body: { role: 'editor' } });
    expect(await r.json()).toEqual({ userId: other.id, role: 'editor' });
    expect((await (await call(document.GET, 'GET', '', { params: { id: d.id }, cookie: other.cookie })).json()).role).toBe('editor');
    expect(await errorOf(await call(member.PATCH, 'PATCH', '', { params: { id: d.id, userId: owner.id }, cookie: owner.cookie, body: { role: 'viewer' } }))).toMatchObject({ status: 409 });
    expect(await errorOf(await call(member.PATCH, 'PATCH', '', { params: p, cookie: owner.cookie, body: { role: 'owner' } }))).toMatchObject({ status: 400 });
    expect((await call(member.DELETE, 'DELETE', '', { params: p, cookie: owner.cookie })).status).toBe(204);
    expect(await errorOf(await call(document.GET, 'GET', '', { params: { id: d.id }, cookie: other.cookie }))).toMatchObject({ status: 403 });
    expect(await errorOf(await call(member.DELETE, 'DELETE', '', { params: p, cookie: owner.cookie }))).toMatchObject({ status: 404 });
  });

  it('lets a member leave, but not remove others', async () => {
    const { owner, other, d } = await shared('editor');
    expect(await errorOf(await call(member.DELETE, 'DELETE', '', { params: { id: d.id, userId: owner.id }, cookie: other.cookie }))).toMatchObject({ status: 403 });
    expect((await call(member.DELETE, 'DELETE', '', { params: { id: d.id, userId: other.id }, cookie: other.cookie })).status).toBe(204);
    expect((await (await call(documents.GET, 'GET', '/api/documents', { cookie: other.cookie })).json()).documents).toEqual([]);
  });

  it('shows an invitation identically whether or not the email has an account, and lets the owner change or withdraw it', async () => {
    const owner = await account('Inviter');
    const existing = await account('Existing');
    const d = await newDoc(owner.cookie);
    for (const email of [existing.email, 'no-account@example.test']) {
      expect((await call(members.POST, 'POST', '', { params: { id: d.id }, cookie: owner.cookie, body: { email, role: 'viewer' } })).status).toBe(201);
    }
    const list = (await (await call(members.GET, 'GET', '', { params: { id: d.id }, cookie: owner.cookie })).json()).members;
    expect(list.slice(1)).toEqual([
      { userId: null, email: existing.email, name: null, role: 'viewer', pending: true },
      { userId: null, email: 'no-account@example.test', name: null, role: 'viewer', pending: true },
    ]);
    const p = { id: d.id, email: encodeURIComponent('no-account@example.test') };
    expect((await call(invitation.PATCH, 'PATCH', '', { params: p, cookie: owner.cookie, body: { role: 'editor' } })).status).toBe(200);
    expect((await call(invitation.DELETE, 'DELETE', '', { params: p, cookie: owner.cookie })).status).toBe(204);
    expect(await errorOf(await call(invitation.DELETE, 'DELETE', '', { params: p, cookie: owner.cookie }))).toMatchObject({ status: 404 });
    expect(await errorOf(await call(invitation.DELETE, 'DELETE', '', { params: { id: d.id, email: 'not-an-email' }, cookie: owner.cookie }))).toMatchObject({ status: 404 });
  });

  it('transfers ownership to a member; the old owner becomes an editor', async () => {
    const { owner, other, d } = await shared('viewer');
    expect(await errorOf(await call(transfer.POST, 'POST', '', { params: { id: d.id }, cookie: other.cookie, body: { userId: other.id } }))).toMatchObject({ status: 403 });
    expect(await errorOf(await call(transfer.POST, 'POST', '', { params: { id: d.id }, cookie: owner.cookie, body: { userId: 'unknown-user-id-xx' } }))).toMatchObject({ status: 404 });
    expect((await call(transfer.POST, 'POST', '', { params: { id: d.id }, cookie: owner.cookie, body: { userId: other.id } })).status).toBe(200);
    expect((await (await call(document.GET, 'GET', '', { params: { id: d.id }, cookie: other.cookie })).json()).role).toBe('owner');
    expect((await (await call(document.GET, 'GET', '', { params: { id: d.id }, cookie: owner.cookie })).json()).role).toBe('editor');
    expect((await call(document.DELETE, 'DELETE', '', { params: { id: d.id }, cookie: owner.cookie })).status).toBe(403);
  });
});

describe('link sharing', () => {
  it('turns on a link for the owner, shows it to editors only, and resets it', async () => {
    const { owner, other, d } = await shared('viewer');
    const p = { id: d.id };
    expect(await (await call(link.GET, 'GET', '', { params: p, cookie: owner.cookie })).json()).toEqual({ access: 'restricted', url: null });
    expect(await errorOf(await call(link.PUT, 'PUT', '', { params: p, cookie: other.cookie, body: { access: 'editor' } }))).toMatchObject({ status: 403 });
    const on = await (await call(link.PUT, 'PUT', '', { params: p, cookie: owner.cookie, body: { access: 'editor' } })).json();
    expect(on.access).toBe('editor');
    expect(on.url).toMatch(new RegExp(`^${ORIGIN}/d/${d.id}\\?link=[A-Za-z0-9_-]{43}$`));
    expect(await (await call(link.GET, 'GET', '', { params: p, cookie: other.cookie })).json()).toEqual({ access: 'editor', url: null });
    const rotated = await (await call(rotate.POST, 'POST', '', { params: p, cookie: owner.cookie })).json();
    expect(rotated.url).not.toBe(on.url);
    expect(await errorOf(await call(link.PUT, 'PUT', '', { params: p, cookie: owner.cookie, body: { access: 'public' } }))).toMatchObject({ status: 400 });
    const docs = (await (await call(documents.GET, 'GET', '/api/documents', { cookie: owner.cookie })).json()).documents;
    expect(docs.find((x: { id: string }) => x.id === d.id).sharing).toEqual({ people: 1, link: 'editor' });
  });
});

describe('sessions', () => {
  it('signs out everywhere', async () => {
    const a = await account('Everywhere');
    const second = cookieOf(await call(login.POST, 'POST', '/api/auth/login', { body: { email: a.email, password: a.password } }));
    const r = await call(logoutAll.POST, 'POST', '', { cookie: a.cookie });
    expect(r.status).toBe(204);
    expect(r.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    for (const c of [a.cookie, second]) expect((await call(me.GET, 'GET', '/api/me', { cookie: c })).status).toBe(401);
  });

  it('changes the password after checking the old one, and signs out the other sessions only', async () => {
    const a = await account('Rotate');
    const other = cookieOf(await call(login.POST, 'POST', '/api/auth/login', { body: { email: a.email, password: a.password } }));
    expect(await errorOf(await call(password.POST, 'POST', '', { cookie: a.cookie, body: { currentPassword: 'wrong one', newPassword: 'a brand new pw' } }))).toMatchObject({ status: 401 });
    expect(await errorOf(await call(password.POST, 'POST', '', { cookie: a.cookie, body: { currentPassword: a.password, newPassword: 'short' } }))).toMatchObject({ status: 400 });
    expect((await call(password.POST, 'POST', '', { cookie: a.cookie, body: { currentPassword: a.password, newPassword: 'a brand new pw' } })).status).toBe(204);
    expect((await call(me.GET, 'GET', '/api/me', { cookie: a.cookie })).status).toBe(200);
    expect((await call(me.GET, 'GET', '/api/me', { cookie: other })).status).toBe(401);
    expect((await call(login.POST, 'POST', '/api/auth/login', { body: { email: a.email, password: a.password } })).status).toBe(401);
    expect((await call(login.POST, 'POST', '/api/auth/login', { body: { email: a.email, password: 'a brand new pw' } })).status).toBe(200);
  });

  it('a login replaces the session the browser already had (no session fixation)', async () => {
    const a = await account('Fixation');
    const r = await call(login.POST, 'POST', '/api/auth/login', { cookie: a.cookie, body: { email: a.email, password: a.password } });
    expect(cookieOf(r)).not.toBe(a.cookie);
    expect((await call(me.GET, 'GET', '/api/me', { cookie: a.cookie })).status).toBe(401);
    expect((await call(me.GET, 'GET', '/api/me', { cookie: cookieOf(r) })).status).toBe(200);
  });
});
