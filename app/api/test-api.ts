import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';

/**
 * Route handlers called directly with real Request objects over a real SQLite file. Import this
 * before any route: it points the app's configuration at a fresh data directory.
 */
export const ORIGIN = 'http://localhost:3000';
process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-api-'));
process.env.APP_ORIGIN = ORIGIN;

export type Handler = (req: Request, ctx?: { params: Promise<any> }) => Promise<Response>;

export interface CallOptions {
  body?: unknown;
  raw?: string;
  cookie?: string;
  /** null sends no Origin header. */
  origin?: string | null;
  params?: Record<string, string>;
}

export function call(h: Handler, method: string, p: string, o: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (o.origin !== null) headers.origin = o.origin ?? ORIGIN;
  if (o.cookie) headers.cookie = o.cookie;
  const body = o.raw ?? (o.body !== undefined ? JSON.stringify(o.body) : undefined);
  return h(new Request(ORIGIN + p, { method, headers, body }), o.params ? { params: Promise.resolve(o.params) } : undefined);
}

export const cookieOf = (r: Response) => (r.headers.get('set-cookie') ?? '').split(';')[0];

export async function errorOf(r: Response) {
  return { status: r.status, ...((await r.json()) as { error: { code: string; message: string } }).error };
}

let n = 0;

/** Signs up a new account through the route; returns it with its session cookie. */
export async function account(name = 'Person') {
  const signup = await import('./auth/signup/route');
  const email = `${name.toLowerCase()}${++n}@example.test`;
  const r = await call(signup.POST, 'POST', '/api/auth/signup', { body: { email, password: 'long enough pw', name } });
  expect(r.status).toBe(201);
  const user = (await r.json()).user as { id: string; email: string; name: string };
  return { ...user, cookie: cookieOf(r), password: 'long enough pw' };
}

export async function newDoc(cookie: string, title = 'Doc') {
  const documents = await import('./documents/route');
  const r = await call(documents.POST, 'POST', '/api/documents', { body: { title }, cookie });
  expect(r.status).toBe(201);
  return (await r.json()) as { id: string; title: string };
}
