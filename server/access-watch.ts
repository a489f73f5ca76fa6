import type { Logger } from 'pino';
import { EMBED_DENIALS, embedAccess } from '../lib/embed/access';
import { CloseCode, assertNever } from '../lib/protocol';
import type { AccessEvent, Storage } from '../lib/storage';
import type { Role } from '../lib/storage/schema';

/** What the watcher needs of a live connection. */
export interface WatchedPeer {
  readonly userId: string;
  readonly documentId: string;
  /** An account session, or an embed session when `auth` is `embed`. */
  readonly sessionId: string;
  readonly auth: 'account' | 'embed';
  readonly role: Role;
  readonly lastReceivedAt: number;
  applyRole(role: Role): void;
  close(code: number, reason: string): void;
}

export interface AccessWatchOptions {
  storage: Storage;
  log: Logger;
  peers: () => Iterable<WatchedPeer>;
  sessionIdleMs: number;
  /** How often to look for access events (default 100 ms, so changes reach connections well within a second). */
  pollMs?: number;
  /** How often to re-check every live connection's session for expiry (default 30 s). */
  sessionCheckMs?: number;
  /** Access events older than this are pruned (default 1 h). */
  keepEventsMs?: number;
  /** The stored document changed outside the collaboration servers (a restored version). */
  onContent?: (documentId: string) => Promise<void>;
  /** Told of every event after connections were updated (renames, access changes, sign-outs), e.g. to update document lists. */
  listener?: AccessListener;
}

/** Who else follows the outbox: document lists (see `live.ts`). */
export interface AccessListener {
  renamed(documentId: string): Promise<void>;
  accessChanged(documentId: string): Promise<void>;
  sessionsEnded(match: { sessionId: string } | { userId: string; exceptSessionId: string | null }): void;
  checkSessions(): Promise<void>;
}

/**
 * Keeps live connections in step with access changes made anywhere (the app, another
 * collaboration server): it follows the access-event outbox in the database and closes or
 * re-roles affected connections, and re-checks sessions for expiry and revocation.
 */
export class AccessWatcher {
  private lastId = 0;
  private timers: NodeJS.Timeout[] = [];
  private polling = false;
  private lastCheck = Date.now();

  constructor(private readonly o: AccessWatchOptions) {}

  async start(): Promise<void> {
    this.lastId = await this.o.storage.events.lastId();
    const every = (ms: number, fn: () => Promise<void>) => {
      const t = setInterval(() => void fn().catch((err) => this.o.log.error({ err }, 'access watch failed')), ms);
      t.unref();
      this.timers.push(t);
    };
    every(this.o.pollMs ?? 100, () => this.poll());
    every(this.o.sessionCheckMs ?? 30_000, () => this.checkSessions());
    every(60_000, () => this.o.storage.events.prune(Date.now() - (this.o.keepEventsMs ?? 3_600_000)));
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  /** Applies every access event recorded since the last poll, in order. */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      for (;;) {
        const events = await this.o.storage.events.after(this.lastId);
        if (events.length === 0) return;
        const touched = new Set<string>();
        const changed = new Set<string>();
        for (const e of events) {
          this.lastId = e.id;
          this.apply(e, touched, changed);
        }
        for (const documentId of touched) {
          await this.recheckDocument(documentId);
          await this.o.listener?.accessChanged(documentId);
        }
        for (const documentId of changed) await this.o.onContent?.(documentId);
      }
    } finally {
      this.polling = false;
    }
  }

  private apply(e: AccessEvent, touchedDocuments: Set<string>, changedDocuments: Set<string>): void {
    switch (e.kind) {
      case 'document':
        if (e.documentId) touchedDocuments.add(e.documentId);
        return;
      case 'deleted':
        this.closeWhere((p) => p.documentId === e.documentId, CloseCode.NotFound, 'document deleted');
        if (e.documentId) void this.o.listener?.accessChanged(e.documentId).catch((err) => this.o.log.error({ err }, 'deletion fan-out failed'));
        return;
      case 'renamed':
        if (e.documentId) void this.o.listener?.renamed(e.documentId).catch((err) => this.o.log.error({ err }, 'rename fan-out failed'));
        return;
      case 'session':
        this.closeWhere((p) => p.sessionId === e.sessionId, CloseCode.Unauthorized, 'signed out');
        if (e.sessionId) this.o.listener?.sessionsEnded({ sessionId: e.sessionId });
        return;
      case 'user-sessions':
        this.closeWhere((p) => p.userId === e.userId && p.sessionId !== e.sessionId, CloseCode.Unauthorized, 'signed out on all devices');
        if (e.userId) this.o.listener?.sessionsEnded({ userId: e.userId, exceptSessionId: e.sessionId });
        return;
      case 'content':
        if (e.documentId) changedDocuments.add(e.documentId);
        return;
      default:
        assertNever(e.kind);
    }
  }

  /** Recomputes the role of every connection to the document: closes or re-roles as needed. */
  private async recheckDocument(documentId: string): Promise<void> {
    const all = [...this.o.peers()].filter((p) => p.documentId === documentId);
    await this.recheckEmbedded(all.filter((p) => p.auth === 'embed'));
    const peers = all.filter((p) => p.auth === 'account');
    const roles = new Map<string, Role | null>();
    for (const userId of new Set(peers.map((p) => p.userId))) {
      const access = await this.o.storage.documents.access(documentId, userId);
      roles.set(userId, access?.role ?? null);
    }
    for (const p of peers) {
      const role = roles.get(p.userId) ?? null;
      if (role === null) {
        this.o.log.info({ doc: documentId, user: p.userId }, 'access removed; closing connection');
        p.close(CloseCode.Forbidden, 'access removed');
      } else if (role !== p.role) {
        this.o.log.info({ doc: documentId, user: p.userId, role }, 'role changed');
        p.applyRole(role);
      }
    }
  }

  /**
   * Embedded connections follow their embed session: the key revoked, the origin removed,
   * the session expired or (for an account's token) the account's access gone close them;
   * a changed embedded role applies at once.
   */
  private async recheckEmbedded(peers: WatchedPeer[]): Promise<void> {
    const now = Date.now();
    for (const sessionId of new Set(peers.map((p) => p.sessionId))) {
      const access = await embedAccess(this.o.storage, await this.o.storage.embeds.stateById(sessionId), now);
      for (const p of peers.filter((x) => x.sessionId === sessionId)) {
        if (!access.ok) {
          // A deleted document takes its embed sessions with it: say so, as for accounts.
          const gone = access.reason === 'gone' && !(await this.o.storage.documents.find(p.documentId));
          const d = gone ? { code: CloseCode.NotFound, reason: 'document deleted' } : EMBED_DENIALS[access.reason];
          this.o.log.info({ doc: p.documentId, user: p.userId, reason: access.reason }, 'embed access ended; closing connection');
          p.close(d.code, d.reason);
        } else if (access.role !== p.role) {
          p.applyRole(access.role);
        }
      }
    }
  }

  /** Closes connections whose session expired (idle or absolute) or vanished; refreshes used ones. */
  async checkSessions(): Promise<void> {
    const all = [...this.o.peers()];
    await this.recheckEmbedded(all.filter((p) => p.auth === 'embed'));
    const peers = all.filter((p) => p.auth === 'account');
    const active = new Set(peers.filter((p) => p.lastReceivedAt >= this.lastCheck).map((p) => p.sessionId));
    this.lastCheck = Date.now();
    const live = await this.o.storage.sessions.stillLive([...new Set(peers.map((p) => p.sessionId))], active, Date.now(), this.o.sessionIdleMs);
    for (const p of peers) if (!live.has(p.sessionId)) p.close(CloseCode.Unauthorized, 'session expired or ended');
    await this.o.listener?.checkSessions();
  }

  private closeWhere(match: (p: WatchedPeer) => boolean, code: number, reason: string): void {
    for (const p of [...this.o.peers()]) if (match(p)) p.close(code, reason);
  }
}
