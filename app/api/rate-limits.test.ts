import fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@/lib/config';
import { createWebServer, type WebServer } from '@/web/server';

/**
 * Per-address limits on login and sign-up, through the real route handlers and a real SQLite
 * database, behind the web server that production uses (web/server.ts), over real sockets from
 * distinct loopback addresses (127.0.0.x), so the address really is the TCP peer's.
 */

const O = 'http://localhost:3000';
process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-limits-'));
process.env.APP_ORIGIN = O;
process.env.RATE_LIMIT_SIGNUP_PER_IP = '3/1h';
process.env.RATE_LIMIT_LOGIN_PER_IP = '5/15m';

const signup = await import('./auth/signup/route');
const login = await import('./auth/login/route');
const { appStorage } = await import('@/lib/server/storage');

const routes: Record<string, (req: Request) => Promise<Response>> = { '/api/auth/signup': signup.POST, '/api/auth/login': login.POST };

/** What Next does for a route handler: a Fetch Request from the Node request, and back. */
async function toRoute(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
  const handler = routes[req.url ?? ''];
  if (!handler) return void res.writeHead(404).end();
  const r = await handler(new Request(O + req.url, { method: req.method, headers, body: Buffer.concat(chunks) }));
  res.writeHead(r.status, Object.fromEntries(r.headers));
  res.end(Buffer.from(await r.arrayBuffer()));
}

let direct: WebServer;
let proxied: WebServer;
const ports = { direct: 0, proxied: 0 };

beforeAll(async () => {
  await appStorage();
  // Default TRUST_PROXY (none), and TRUST_PROXY=loopback as behind an nginx on the same machine.
  direct = createWebServer({ tls: undefined, trustProxy: loadConfig({}).trustProxy, handle: toRoute });
  proxied = createWebServer({ tls: undefined, trustProxy: loadConfig({ TRUST_PROXY: 'loopback' }).trustProxy, handle: toRoute });
  ports.direct = await direct.listen(0, '127.0.0.1');
  ports.proxied = await proxied.listen(0, '127.0.0.1');
});
afterAll(async () => {
  await direct?.close(0);
  await proxied?.close(0);
});

interface Result {
  status: number;
  retryAfter: string | undefined;
  body: { error?: { code: string; message: string } };
}

/** POSTs JSON from the loopback address `from`, with extra (possibly forged) headers. */
function post(server: keyof typeof ports, p: string, body: unknown, from: string, headers: Record<string, string> = {}): Promise<Result> {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: ports[server], localAddress: from, path: p, method: 'POST', headers: { 'content-type': 'application/json', origin: O, ...headers } },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'], body: JSON.parse(text || '{}') }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

let n = 0;
const newSignup = () => ({ email: `limit${++n}@example.test`, password: 'long enough pw', name: `Limit ${n}` });
const forged = (i: number) => ({ 'x-forwarded-for': `198.51.100.${i}`, 'x-tandem-client-ip': `198.51.100.${i}` });

function expectLimited(r: Result, windowSeconds: number, message: RegExp) {
  expect(r.status).toBe(429);
  expect(r.body.error).toEqual({ code: 'rate_limited', message: expect.stringMatching(message) });
  expect(r.retryAfter).toMatch(/^\d+$/);
  expect(Number(r.retryAfter)).toBeGreaterThan(windowSeconds - 60);
  expect(Number(r.retryAfter)).toBeLessThanOrEqual(windowSeconds);
}

describe('sign-ups per address', () => {
  it('allows RATE_LIMIT_SIGNUP_PER_IP per TCP peer, whatever X-Forwarded-For or X-Tandem-Client-IP claim', async () => {
    for (let i = 0; i < 3; i++) expect((await post('direct', '/api/auth/signup', newSignup(), '127.0.0.2', forged(i))).status).toBe(201);
    const blocked = await post('direct', '/api/auth/signup', newSignup(), '127.0.0.2', forged(99));
    expectLimited(blocked, 3600, /^Too many sign-ups from your network\. Try again in \d+ minute\(s\)\.$/);
    // Another address has its own allowance.
    expect((await post('direct', '/api/auth/signup', newSignup(), '127.0.0.3')).status).toBe(201);
  });

  it('behind a trusted proxy (TRUST_PROXY), counts the forwarded client address', async () => {
    const via = (xff: string) => ({ 'x-forwarded-for': xff, 'x-tandem-client-ip': '192.0.2.77' });
    for (let i = 0; i < 3; i++) expect((await post('proxied', '/api/auth/signup', newSignup(), '127.0.0.7', via('203.0.113.1'))).status).toBe(201);
    // Same client (the proxy appends it last; a client-written prefix changes nothing), another proxy address.
    expectLimited(await post('proxied', '/api/auth/signup', newSignup(), '127.0.0.8', via('6.6.6.6, 203.0.113.1')), 3600, /sign-ups/);
    // Another client through the same proxy is not affected.
    expect((await post('proxied', '/api/auth/signup', newSignup(), '127.0.0.7', via('203.0.113.2'))).status).toBe(201);
  });

  it('counts an IPv6 client by its /64', async () => {
    for (const a of ['2001:db8:1:2::a', '2001:db8:1:2::b', '2001:db8:1:2:ffff::1']) {
      expect((await post('proxied', '/api/auth/signup', newSignup(), '127.0.0.9', { 'x-forwarded-for': a })).status).toBe(201);
    }
    expectLimited(await post('proxied', '/api/auth/signup', newSignup(), '127.0.0.9', { 'x-forwarded-for': '2001:db8:1:2::c' }), 3600, /sign-ups/);
    expect((await post('proxied', '/api/auth/signup', newSignup(), '127.0.0.9', { 'x-forwarded-for': '2001:db8:1:3::a' })).status).toBe(201);
  });
});

describe('login attempts per address and per account', () => {
  it('allows RATE_LIMIT_LOGIN_PER_IP attempts per TCP peer, then 429 even with the right password', async () => {
    const account = newSignup();
    expect((await post('direct', '/api/auth/signup', account, '127.0.0.10')).status).toBe(201);
    // Wrong passwords for five different (unknown) accounts: the per-account limit never triggers.
    for (let i = 0; i < 5; i++) {
      const r = await post('direct', '/api/auth/login', { email: `nobody${i}@example.test`, password: 'wrong password' }, '127.0.0.11', forged(i));
      expect(r.status).toBe(401);
    }
    const blocked = await post('direct', '/api/auth/login', { email: account.email, password: account.password }, '127.0.0.11', forged(50));
    expectLimited(blocked, 900, /^Too many login attempts from your network\. Try again in \d+ minute\(s\)\.$/);
    // The account itself is fine: from another address the right password works.
    expect((await post('direct', '/api/auth/login', { email: account.email, password: account.password }, '127.0.0.12')).status).toBe(200);
  });

  it('still stops guessing one account from many addresses after 10 failures', async () => {
    const account = newSignup();
    expect((await post('direct', '/api/auth/signup', account, '127.0.0.13')).status).toBe(201);
    for (let i = 0; i < 10; i++) {
      const r = await post('proxied', '/api/auth/login', { email: account.email, password: `guess ${i}` }, '127.0.0.14', { 'x-forwarded-for': `203.0.113.${100 + i}` });
      expect(r.status).toBe(401);
    }
    const blocked = await post('proxied', '/api/auth/login', { email: account.email, password: account.password }, '127.0.0.14', { 'x-forwarded-for': '203.0.113.200' });
    expectLimited(blocked, 900, /^Too many attempts\. Try again in \d+ minute\(s\)\.$/);
  });
});
