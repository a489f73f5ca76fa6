import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { makeCertificate } from '../../test/certs';
import { startSession, sessionCookieName } from '../../lib/auth/session';
import { connectDocument } from '../../lib/client/provider';
import { loadConfig, type Config } from '../../lib/config';
import { openStorage, type Storage } from '../../lib/storage';
import { startCollabServer, type CollabServer } from '../app';
import { waitFor } from './helpers';

/** The collaboration server with TLS_CERT_FILE/TLS_KEY_FILE: everything over https and wss. */

const ORIGIN = 'https://localhost:3443';
const cert = makeCertificate();
let config: Config;
let storage: Storage;
let server: CollabServer;
const logs: Record<string, unknown>[] = [];
let cookie: string;
let docId: string;

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-tls-'));
  config = loadConfig({ DATA_DIR: dir, APP_ORIGIN: ORIGIN, TLS_CERT_FILE: cert.certFile, TLS_KEY_FILE: cert.keyFile, TRUST_PROXY: 'loopback', ROOM_UNLOAD_DELAY: '0' });
  storage = await openStorage({ sqliteFile: config.databaseFile });
  const log = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  server = await startCollabServer({ config, storage, log, port: 0 });
  const user = (await storage.users.create({ email: 'tls@example.test', name: 'Tls', passwordHash: 'x', now: Date.now() }))!;
  const { token } = await startSession(storage, config, user.id);
  cookie = `${sessionCookieName(config)}=${token}`;
  docId = (await storage.documents.create({ title: 'Over TLS', ownerId: user.id, now: Date.now() })).id;
});
afterAll(async () => {
  await server?.close();
  await storage?.close();
});

function get(pathname: string, o: { ca?: string } = { ca: cert.cert }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get({ host: '127.0.0.1', servername: 'localhost', port: server.port, path: pathname, ca: o.ca }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      })
      .on('error', reject);
  });
}

/** A `ws` class that trusts the test certificate and sends Cookie and Origin, as a browser would. */
function secureSocket(headers: Record<string, string>) {
  return class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers, ca: cert.cert });
    }
  } as unknown as new (url: string, protocols?: string | string[]) => globalThis.WebSocket;
}

const wssUrl = () => `wss://localhost:${server.port}`;

describe('the collaboration server over TLS', () => {
  it('answers /healthz, /readyz and /metrics over https with the configured certificate', async () => {
    expect(await get('/healthz')).toEqual({ status: 200, body: 'ok\n' });
    expect(await get('/readyz')).toEqual({ status: 200, body: 'ready\n' });
    const metrics = await get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatch(/^# HELP /m);
  });

  it('speaks only TLS on its port: a client that does not trust the certificate, or plain http, gets nothing', async () => {
    await expect(get('/healthz', {})).rejects.toThrow(/self[- ]signed/i);
    const plain = new Promise<number>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: server.port, path: '/healthz' }, (res) => resolve(res.statusCode!)).on('error', reject);
    });
    await expect(plain).rejects.toThrow();
  });

  it('syncs and acknowledges two clients over wss, with the __Host- session cookie', async () => {
    const make = () => {
      const doc = new Y.Doc();
      const conn = connectDocument({ url: wssUrl(), documentId: docId, doc, Socket: secureSocket({ cookie, origin: ORIGIN }) });
      return { doc, ...conn };
    };
    const [a, b] = [make(), make()];
    try {
      await waitFor(() => a.provider.synced && b.provider.synced, 10_000, 'both synced over wss');
      a.doc.getText('t').insert(0, 'hello ');
      b.doc.getText('t').insert(0, 'world');
      await waitFor(() => a.doc.getText('t').toString() === b.doc.getText('t').toString() && a.doc.getText('t').length === 11, 5000, 'converged');
      await waitFor(() => a.tracker.state.kind === 'saved' && b.tracker.state.kind === 'saved', 5000, 'both saved');
      expect(a.tracker.durableChanges).toBeGreaterThan(0);
    } finally {
      a.destroy();
      b.destroy();
    }
  });

  it('refuses over wss like over ws, and logs the client address by the TRUST_PROXY rule', async () => {
    const closed = await new Promise<{ code: number; reason: string }>((resolve, reject) => {
      // TRUST_PROXY=loopback and the peer is loopback, so the forwarded address is the client.
      const ws = new WebSocket(`${wssUrl()}/${docId}`, { ca: cert.cert, headers: { origin: ORIGIN, 'x-forwarded-for': '6.6.6.6, 203.0.113.9' } });
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
      ws.on('error', reject);
    });
    expect(closed).toEqual({ code: 4401, reason: 'no session or session expired' });
    await waitFor(() => logs.some((l) => l.msg === 'connection refused' && l.code === 4401), 2000, 'refusal logged');
    expect(logs.find((l) => l.msg === 'connection refused' && l.code === 4401)).toMatchObject({ ip: '203.0.113.9' });
    // Direct connections (the two clients above) log their own, loopback, address.
    const accepted = logs.filter((l) => l.msg === 'connection accepted').map((l) => l.ip);
    expect(accepted.length).toBeGreaterThanOrEqual(2);
    for (const ip of accepted) expect(ip).toMatch(/^(127\.0\.0\.1|::1)$/);
  });
});
