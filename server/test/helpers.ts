import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { connectDocument, type CollabConnection } from '../../lib/client/provider';
import { loadConfig, type Config } from '../../lib/config';
import { startSession } from '../../lib/auth/session';
import { openStorage, type Storage, type StorageTarget } from '../../lib/storage';
import { startCollabServer, type CollabServer } from '../app';

export const APP_ORIGIN = 'http://localhost:3000';

/** A fresh data directory and configuration for one test file. */
export function testConfig(extra: Record<string, string> = {}): Config {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-test-'));
  // Rooms unload at once unless a test asks otherwise, so tests can watch them go.
  return loadConfig({ DATA_DIR: dir, APP_ORIGIN, LOG_LEVEL: 'silent', ROOM_UNLOAD_DELAY: '0', ...extra });
}

export interface Harness {
  config: Config;
  storage: Storage;
  server: CollabServer;
  url: string;
  /** Stops the server (as on SIGTERM) and starts a new one on the same database file. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A real collaboration server on port 0 over a real SQLite file (or `opts.target`, e.g. Postgres). */
export async function startHarness(
  extra: Record<string, string> = {},
  { target, ...opts }: { heartbeatMs?: number; pingMs?: number; sessionCheckMs?: number; accessPollMs?: number; target?: StorageTarget } = {},
): Promise<Harness> {
  const base = testConfig(extra);
  const config = target ? { ...base, storage: target } : base;
  const log = pino({ level: 'silent' });
  const h = {
    config,
    storage: await openStorage({ target: config.storage }),
    server: undefined as unknown as CollabServer,
    url: '',
    async restart() {
      await h.server.close();
      await h.storage.close();
      h.storage = await openStorage({ target: config.storage });
      h.server = await startCollabServer({ config, storage: h.storage, log, port: 0, ...opts });
      h.url = `ws://127.0.0.1:${h.server.port}`;
    },
    async stop() {
      await h.server.close();
      await h.storage.close();
    },
  };
  h.server = await startCollabServer({ config, storage: h.storage, log, port: 0, ...opts });
  h.url = `ws://127.0.0.1:${h.server.port}`;
  return h;
}

let userCounter = 0;

/** Creates an account and a live session; returns what a browser would hold. */
export async function signedInUser(storage: Storage, config: Config, name = `User ${++userCounter}`) {
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${Date.now()}.${userCounter}@example.test`;
  const user = (await storage.users.create({ email, name, passwordHash: 'not-a-real-hash', now: Date.now() }))!;
  const { token } = await startSession(storage, config, user.id);
  return { user, token, cookie: `tandem_session=${token}` };
}

/** A `ws` class that sends the given Cookie and Origin, as a browser would. */
export function socketWith(headers: { cookie?: string; origin?: string }) {
  return class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      const h: Record<string, string> = {};
      if (headers.cookie) h.cookie = headers.cookie;
      if (headers.origin) h.origin = headers.origin;
      super(url, protocols, { headers: h });
    }
  } as unknown as new (url: string, protocols?: string | string[]) => globalThis.WebSocket;
}

export interface Client extends CollabConnection {
  doc: Y.Doc;
  text(): string;
}

/** A real y-websocket client (with the app's acknowledgement tracking) in Node. */
export function client(h: Pick<Harness, 'url'>, documentId: string, cookie: string, origin = APP_ORIGIN): Client {
  const doc = new Y.Doc();
  const conn = connectDocument({ url: h.url, documentId, doc, Socket: socketWith({ cookie, origin }) });
  return Object.assign(conn, { doc, text: () => doc.getText('t').toString() });
}

/** The document as stored: what a fresh load would see. */
export async function storedDoc(storage: Storage, documentId: string): Promise<Y.Doc> {
  const d = new Y.Doc();
  for (const u of await storage.updates.load(documentId)) Y.applyUpdate(d, u);
  return d;
}

/** A TCP port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Polls `cond` until it holds or `timeoutMs` passes. */
export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const start = Date.now();
  for (;;) {
    if (await cond()) return;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface RawResult {
  code: number;
  reason: string;
  frames: Uint8Array[];
}

/**
 * Opens a plain socket, optionally sends frames once open, and collects everything received
 * until the server closes it (or `waitMs` passes, then closes it itself with 1000).
 */
export function rawConnect(url: string, headers: { cookie?: string; origin?: string }, send: Uint8Array[] = [], waitMs = 1500): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const h: Record<string, string> = {};
    if (headers.cookie) h.cookie = headers.cookie;
    if (headers.origin) h.origin = headers.origin;
    const ws = new WebSocket(url, { headers: h });
    const frames: Uint8Array[] = [];
    const timer = setTimeout(() => ws.close(1000), waitMs);
    ws.on('open', () => send.forEach((f) => ws.send(f)));
    ws.on('message', (d: Buffer) => frames.push(new Uint8Array(d)));
    ws.on('close', (code, reason) => {
      clearTimeout(timer);
      resolve({ code, reason: reason.toString(), frames });
    });
    ws.on('error', reject);
  });
}
