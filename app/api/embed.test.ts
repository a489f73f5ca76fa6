import { describe, expect, it } from 'vitest';
import { account, call, errorOf, newDoc, ORIGIN } from './test-api';

const embed = await import('./documents/[id]/embed/route');
const keys = await import('./documents/[id]/embed/keys/route');
const keyRoute = await import('./documents/[id]/embed/keys/[keyId]/route');
const accountToken = await import('./documents/[id]/embed/token/route');
const sessions = await import('./embed/sessions/route');
const members = await import('./documents/[id]/members/route');
const { mintEmbedToken } = await import('@/lib/embed/tokens');

const HOST = 'https://host.example';

async function setUp() {
  const owner = await account('Owner');
  const d = await newDoc(owner.cookie);
  const p = { id: d.id };
  expect((await call(embed.PUT, 'PUT', '', { params: p, cookie: owner.cookie, body: { allowedOrigins: [HOST], role: 'editor' } })).status).toBe(200);
  const r = await call(keys.POST, 'POST', '', { params: p, cookie: owner.cookie, body: { label: 'Site' } });
  expect(r.status).toBe(201);
  const key = (await r.json()) as { id: string; secret: string };
  return { owner, d, p, key };
}

const exchange = (body: unknown, origin: string | null = ORIGIN) => call(sessions.POST, 'POST', '/api/embed/sessions', { body, origin });

describe('embed settings and keys', () => {
  it('lets the owner set origins and role; validates them; others get 403', async () => {
    const { owner, d, p } = await setUp();
    const editor = await account('Editor');
    await call(members.POST, 'POST', '', { params: p, cookie: owner.cookie, body: { email: editor.email, role: 'editor' } });
    expect(await (await call(embed.GET, 'GET', '', { params: p, cookie: owner.cookie })).json()).toMatchObject({ allowedOrigins: [HOST], role: 'editor', keys: [{ label: 'Site' }] });
    for (const bad of ['https://host.example/', 'https://host.example/path', 'host.example', 'javascript:alert(1)', "https://a.example 'unsafe-inline'"]) {
      expect(await errorOf(await call(embed.PUT, 'PUT', '', { params: p, cookie: owner.cookie, body: { allowedOrigins: [bad], role: 'editor' } }))).toMatchObject({ status: 400, code: 'invalid_request' });
    }
    expect(await errorOf(await call(embed.PUT, 'PUT', '', { params: p, cookie: owner.cookie, body: { allowedOrigins: [], role: 'owner' } }))).toMatchObject({ status: 400 });
    expect(await errorOf(await call(embed.PUT, 'PUT', '', { params: p, cookie: editor.cookie, body: { allowedOrigins: [], role: 'viewer' } }))).toMatchObject({ status: 403 });
    expect(await errorOf(await call(embed.GET, 'GET', '', { params: p, cookie: editor.cookie }))).toMatchObject({ status: 403 });
    expect(await errorOf(await call(keys.POST, 'POST', '', { params: p, cookie: editor.cookie, body: {} }))).toMatchObject({ status: 403 });
    expect(await errorOf(await call(embed.PUT, 'PUT', '', { params: p, cookie: owner.cookie, origin: 'https://evil.example', body: { allowedOrigins: [], role: 'viewer' } }))).toMatchObject({ status: 403, code: 'bad_origin' });
    expect(await errorOf(await call(embed.GET, 'GET', '', { params: { id: 'no-such-document-1' }, cookie: owner.cookie }))).toMatchObject({ status: 404 });
    expect(d.id).toBeTruthy();
  });

  it('shows a key’s secret once, lists and revokes keys', async () => {
    const { owner, p, key } = await setUp();
    expect(key.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const list = await (await call(keys.GET, 'GET', '', { params: p, cookie: owner.cookie })).json();
    expect(list.keys).toEqual([{ id: key.id, label: 'Site', createdAt: expect.any(Number), revokedAt: null }]);
    expect(JSON.stringify(list)).not.toContain(key.secret);
    const one = await (await call(keyRoute.GET, 'GET', '', { params: { ...p, keyId: key.id }, cookie: owner.cookie })).json();
    expect(one).toMatchObject({ id: key.id, revokedAt: null });
    expect(one.secret).toBeUndefined();
    expect((await call(keyRoute.DELETE, 'DELETE', '', { params: { ...p, keyId: key.id }, cookie: owner.cookie })).status).toBe(204);
    expect(await errorOf(await call(keyRoute.DELETE, 'DELETE', '', { params: { ...p, keyId: key.id }, cookie: owner.cookie }))).toMatchObject({ status: 404 });
    expect((await (await call(keyRoute.GET, 'GET', '', { params: { ...p, keyId: key.id }, cookie: owner.cookie })).json()).revokedAt).toEqual(expect.any(Number));
  });
});

describe('token exchange', () => {
  it('sets a partitioned cross-site cookie and returns the identity and a ticket; a replay is refused', async () => {
    const { d, key } = await setUp();
    const token = await mintEmbedToken({ keyId: key.id, secret: key.secret, documentId: d.id, role: 'editor', name: 'Visitor', sub: 'v', origin: HOST });
    const r = await exchange({ document: d.id, token, origin: HOST });
    expect(r.status).toBe(201);
    const cookie = r.headers.get('set-cookie')!;
    expect(cookie).toMatch(new RegExp(`^tandem_embed_${d.id}=[A-Za-z0-9_-]{43}; Path=/; Max-Age=\\d+; HttpOnly; SameSite=None; Secure; Partitioned$`));
    expect(await r.json()).toMatchObject({ role: 'editor', name: 'Visitor', userId: `embed:${key.id}:v`, ticket: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(await errorOf(await exchange({ document: d.id, token, origin: HOST }))).toMatchObject({ status: 401, code: 'invalid_token', reason: 'replayed', message: expect.stringContaining('already used') });
  });

  it('names the reason for every refusal', async () => {
    const { owner, d, p, key } = await setUp();
    const mint = (o: Partial<Parameters<typeof mintEmbedToken>[0]> = {}) =>
      mintEmbedToken({ keyId: key.id, secret: key.secret, documentId: d.id, role: 'editor', name: 'V', sub: 'v', origin: HOST, ...o });
    const other = await newDoc(owner.cookie);
    const cases: [string, Promise<Response>][] = [
      ['wrong_origin', exchange({ document: d.id, token: await mint(), origin: 'https://evil.example' })],
      ['origin_not_allowed', exchange({ document: d.id, token: await mint({ origin: 'https://evil.example' }), origin: 'https://evil.example' })],
      ['wrong_document', exchange({ document: d.id, token: await mint({ documentId: other.id }), origin: HOST })],
      ['tampered', exchange({ document: d.id, token: await mint({ secret: 'not-the-secret' }), origin: HOST })],
      ['expired', exchange({ document: d.id, token: await mint({ now: Date.now() - 10 * 60_000 }), origin: HOST })],
      ['malformed', exchange({ document: d.id, token: 'garbage', origin: HOST })],
    ];
    for (const [reason, res] of cases) expect([reason, await errorOf(await res)]).toEqual([reason, expect.objectContaining({ status: 401, reason })]);
    const t = await mint();
    await call(keyRoute.DELETE, 'DELETE', '', { params: { ...p, keyId: key.id }, cookie: owner.cookie });
    expect(await errorOf(await exchange({ document: d.id, token: t, origin: HOST }))).toMatchObject({ status: 401, reason: 'revoked_key' });
    expect(await errorOf(await exchange({ document: 'no-such-document-1', token: t, origin: HOST }))).toMatchObject({ status: 404 });
    expect(await errorOf(await exchange({ document: d.id, token: t, origin: HOST }, 'https://host.example'))).toMatchObject({ status: 403, code: 'bad_origin' });
  });

  it('mints a token for a signed-in account with access, for allowed origins only', async () => {
    const { owner, d, p } = await setUp();
    const r = await call(accountToken.POST, 'POST', '', { params: p, cookie: owner.cookie, body: { origin: HOST } });
    expect(r.status).toBe(200);
    const { token } = await r.json();
    const x = await exchange({ document: d.id, token, origin: HOST });
    expect(await x.json()).toMatchObject({ name: 'Owner', userId: owner.id, role: 'editor' });
    expect(await errorOf(await call(accountToken.POST, 'POST', '', { params: p, cookie: owner.cookie, body: { origin: 'https://evil.example' } }))).toMatchObject({ status: 403 });
    const stranger = await account('Stranger');
    expect(await errorOf(await call(accountToken.POST, 'POST', '', { params: p, cookie: stranger.cookie, body: { origin: HOST } }))).toMatchObject({ status: 403 });
    expect(await errorOf(await call(accountToken.POST, 'POST', '', { params: p, body: { origin: HOST } }))).toMatchObject({ status: 401 });
  });
});
