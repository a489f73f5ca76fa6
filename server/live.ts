import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { sessionFromCookieHeader } from '../lib/auth/session';
import type { Config } from '../lib/config';
import type { LiveEvent, LivePerson } from '../lib/protocol/live';
import type { Storage } from '../lib/storage';

interface Subscriber {
  userId: string;
  sessionId: string;
  /** Documents the account may open; events about others never reach it. */
  documents: Set<string>;
  send(e: LiveEvent): void;
  end(): void;
}

function samePeople(a: LivePerson[] | undefined, b: LivePerson[]): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b);
}

/**
 * Who is in which document, and the fan-out of presence, renames and access changes to the
 * document lists of the accounts allowed to see them. Presence comes from rooms' awareness;
 * renames and access changes from the database outbox (via the access watcher).
 */
export class LiveHub {
  private readonly presence = new Map<string, LivePerson[]>();
  private readonly subscribers = new Set<Subscriber>();

  constructor(private readonly o: { storage: Storage; log: Logger; sessionIdleMs: number }) {}

  get size(): number {
    return this.subscribers.size;
  }

  /** A room's people changed (joined, left, went idle). */
  setPresence(documentId: string, people: LivePerson[]): void {
    if (samePeople(this.presence.get(documentId), people)) return;
    if (people.length === 0) this.presence.delete(documentId);
    else this.presence.set(documentId, people);
    this.publish({ type: 'presence', documentId, people });
  }

  presenceOf(documentId: string): LivePerson[] {
    return this.presence.get(documentId) ?? [];
  }

  renamed(documentId: string, title: string): void {
    this.publish({ type: 'title', documentId, title });
  }

  /** Re-checks who may see the document; those who gained or lost it are told to reload the list. */
  async accessChanged(documentId: string): Promise<void> {
    for (const s of [...this.subscribers]) {
      const access = await this.o.storage.documents.access(documentId, s.userId);
      const may = Boolean(access?.role);
      if (may === s.documents.has(documentId)) continue;
      if (may) s.documents.add(documentId);
      else s.documents.delete(documentId);
      s.send({ type: 'access', documentId });
      if (may && this.presence.has(documentId)) s.send({ type: 'presence', documentId, people: this.presenceOf(documentId) });
    }
  }

  /** Ends the streams of sessions that were signed out (one, or all of an account's but one). */
  sessionsEnded(match: { sessionId: string } | { userId: string; exceptSessionId: string | null }): void {
    for (const s of [...this.subscribers]) {
      const hit = 'sessionId' in match ? s.sessionId === match.sessionId : s.userId === match.userId && s.sessionId !== match.exceptSessionId;
      if (hit) s.end();
    }
  }

  /** Ends streams whose session expired; called with the access watcher's session checks. */
  async checkSessions(): Promise<void> {
    const subs = [...this.subscribers];
    if (subs.length === 0) return;
    const live = await this.o.storage.sessions.stillLive([...new Set(subs.map((s) => s.sessionId))], new Set(), Date.now(), this.o.sessionIdleMs);
    for (const s of subs) if (!live.has(s.sessionId)) s.end();
  }

  /**
   * `GET /live`: an authorised Server-Sent Events stream for the signed-in account. Same rules
   * as the WebSocket upgrade: an allowed Origin and a live session cookie. CORS allows exactly
   * that origin with credentials, since the app is served from another port.
   */
  async handle(req: IncomingMessage, res: ServerResponse, config: Config): Promise<void> {
    const origin = req.headers.origin;
    if (!origin || !config.allowedOrigins.includes(origin)) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('origin not allowed\n');
      return;
    }
    const cors = { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true', vary: 'Origin' };
    const session = await sessionFromCookieHeader(this.o.storage, config, req.headers.cookie);
    if (!session) {
      res.writeHead(401, { 'content-type': 'text/plain', ...cors }).end('no session or session expired\n');
      return;
    }
    const docs = await this.o.storage.documents.listForUser(session.user.id);
    if (res.destroyed) return;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no', ...cors });
    res.write('retry: 3000\n\n');
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 25_000);
    keepAlive.unref();
    const sub: Subscriber = {
      userId: session.user.id,
      sessionId: session.id,
      documents: new Set(docs.filter((d) => d.role).map((d) => d.id)),
      send: (e) => res.write(`event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`),
      end: () => res.end(),
    };
    this.subscribers.add(sub);
    res.on('close', () => {
      clearInterval(keepAlive);
      this.subscribers.delete(sub);
    });
    for (const id of sub.documents) if (this.presence.has(id)) sub.send({ type: 'presence', documentId: id, people: this.presenceOf(id) });
  }

  private publish(e: LiveEvent): void {
    for (const s of this.subscribers) if (s.documents.has(e.documentId)) s.send(e);
  }
}
