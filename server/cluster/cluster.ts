import crypto from 'node:crypto';
import type { Logger } from 'pino';
import * as Y from 'yjs';
import { ProtocolError, clusterChannel, CLUSTER_CHANNEL_PREFIX, decodeClusterMessage, encodeClusterMessage, type ClusterBody, type ClusterMessage } from '../../lib/protocol';
import type { Room } from '../room';
import type { RoomLink } from '../room-api';
import type { LivePerson } from '../../lib/protocol/live';
import type { RedisBus } from './bus';
import { PRESENCE_CHANNEL, PresenceRelay } from './presence-relay';

/** How often each server announces its latest sequence number per open document. */
const HEADS_MS = 1000;
/** ...for this long after the document's last message from this server. */
const HEADS_FOR_MS = 10_000;
/** Remote changes nobody confirmed durable within this long are stored here too. */
const UNCONFIRMED_MS = 3000;
/** At most one resync request per document per this long (replies arrive meanwhile). */
const RESYNC_GAP_MS = 250;

interface Unconfirmed {
  from: string;
  /** The sender's sequence number; `durable` confirms everything up to one. */
  seq: number;
  at: number;
  update: Uint8Array;
}

/** One open document's link to the other servers. */
class DocLink implements RoomLink {
  seqOut = 0;
  /** Last sequence number seen from each other server. */
  readonly seen = new Map<string, number>();
  unconfirmed: Unconfirmed[] = [];
  /** Who sent what is being applied right now (for unconfirmed bookkeeping). */
  applying: { from: string; seq: number } | undefined;
  lastResync = 0;
  /** A resync asked for while the last one was too recent; sent when it may be. */
  resyncLater: NodeJS.Timeout | undefined;
  lastSentAt = 0;
  private pendingDurable = 0;
  private durableScheduled = false;

  constructor(
    readonly room: Room,
    private readonly cluster: Cluster,
  ) {}

  localUpdate(update: Uint8Array, write: Promise<void>): void {
    const seq = this.cluster.send(this, { type: 'update', update });
    write.then(
      () => this.confirm(seq),
      () => {},
    );
  }

  /** Coalesces confirmations: one `durable` per turn of the event loop. */
  private confirm(seq: number): void {
    this.pendingDurable = Math.max(this.pendingDurable, seq);
    if (this.durableScheduled) return;
    this.durableScheduled = true;
    setImmediate(() => {
      this.durableScheduled = false;
      this.cluster.send(this, { type: 'durable', upto: this.pendingDurable });
    });
  }

  remoteUpdate(update: Uint8Array): void {
    const a = this.applying;
    this.unconfirmed.push({ from: a?.from ?? '', seq: a?.seq ?? Number.MAX_SAFE_INTEGER, at: Date.now(), update });
  }

  localAwareness(update: Uint8Array): void {
    this.cluster.send(this, { type: 'awareness', update });
  }

  takeUnconfirmed(): Uint8Array[] {
    const out = this.unconfirmed.map((u) => u.update);
    this.unconfirmed = [];
    return out;
  }

  durable(from: string, upto: number): void {
    this.unconfirmed = this.unconfirmed.filter((u) => u.from !== from || u.seq > upto);
  }

  /** Stores remote changes left unconfirmed too long (their origin probably died). */
  storeStale(now: number): void {
    if (this.unconfirmed.length === 0 || now - this.unconfirmed[0].at < UNCONFIRMED_MS) return;
    const stale = this.unconfirmed.filter((u) => now - u.at >= UNCONFIRMED_MS);
    this.unconfirmed = this.unconfirmed.filter((u) => now - u.at < UNCONFIRMED_MS);
    this.room.persistRemote(stale.map((u) => u.update));
  }
}

export interface ClusterStats {
  published: number;
  received: number;
  gaps: number;
  resyncs: number;
  malformed: number;
}

/**
 * Keeps the copies of each open document on several servers in step over Redis pub/sub. Relay
 * is best effort; correctness comes from sequence numbers (a gap, or a `heads` ahead of what
 * arrived, triggers a state-vector resync) and from resyncing every open document whenever
 * Redis comes back. Each server stores only its own clients' changes, plus any remote change
 * it must vouch for (see RoomLink.takeUnconfirmed).
 */
export class Cluster {
  readonly id = crypto.randomBytes(8).toString('base64url');
  private readonly links = new Map<string, DocLink>();
  private timer: NodeJS.Timeout | undefined;
  readonly stats: ClusterStats = { published: 0, received: 0, gaps: 0, resyncs: 0, malformed: 0 };
  private readonly presence: PresenceRelay;

  /** `showPresence` gets who is in a document across all servers (for document lists). */
  constructor(
    private readonly bus: RedisBus,
    private readonly log: Logger,
    showPresence: (documentId: string, people: LivePerson[]) => void = () => {},
  ) {
    this.presence = new PresenceRelay(this.id, (payload) => this.bus.publish(PRESENCE_CHANNEL, payload), showPresence);
  }

  /** This server's room of `documentId` has these people (empty once it unloads). */
  setPresence(documentId: string, people: LivePerson[]): void {
    this.presence.setLocal(documentId, people);
  }

  async start(): Promise<void> {
    await this.bus.subscribe(PRESENCE_CHANNEL);
    await this.bus.start({
      message: (channel, payload) => (channel === PRESENCE_CHANNEL ? this.presence.onMessage(payload) : this.onMessage(channel, payload)),
      reconnected: () => {
        this.resyncAll();
        this.presence.repeat();
      },
    });
    this.timer = setInterval(() => this.tick(), HEADS_MS);
    this.timer.unref();
  }

  /** A room finished loading: follow its channel, then ask the others for what storage lacks. */
  async attach(room: Room): Promise<void> {
    const link = new DocLink(room, this);
    room.link = link;
    this.links.set(room.documentId, link);
    await this.bus.subscribe(clusterChannel(room.documentId));
    this.requestSync(link, false, true);
  }

  detach(room: Room): void {
    const link = this.links.get(room.documentId);
    if (!link || link.room !== room) return;
    // Whatever this server must vouch for is stored before it lets go of the room.
    room.persistRemote(link.takeUnconfirmed());
    if (link.resyncLater) clearTimeout(link.resyncLater);
    this.links.delete(room.documentId);
    this.bus.unsubscribe(clusterChannel(room.documentId));
  }

  /** Publishes `body` for the link's document; returns its sequence number. */
  send(link: DocLink, body: ClusterBody): number {
    // `heads` repeats the last number instead of taking one, so receivers can compare.
    const seq = body.type === 'heads' ? link.seqOut : ++link.seqOut;
    if (body.type !== 'heads') link.lastSentAt = Date.now();
    this.stats.published += 1;
    this.bus.publish(clusterChannel(link.room.documentId), encodeClusterMessage({ ...body, from: this.id, seq } as ClusterMessage));
    return seq;
  }

  private requestSync(link: DocLink, answer: boolean, force = false): void {
    const now = Date.now();
    if (!force && now - link.lastResync < RESYNC_GAP_MS) {
      // The earlier request may predate what is missing now: ask again once allowed.
      link.resyncLater ??= setTimeout(() => {
        link.resyncLater = undefined;
        if (this.links.get(link.room.documentId) === link) this.requestSync(link, answer);
      }, RESYNC_GAP_MS);
      return;
    }
    link.lastResync = now;
    this.stats.resyncs += 1;
    this.send(link, { type: 'sync-request', stateVector: Y.encodeStateVector(link.room.doc), answer });
  }

  private resyncAll(): void {
    for (const link of this.links.values()) this.requestSync(link, true, true);
  }

  private tick(): void {
    const now = Date.now();
    for (const link of this.links.values()) {
      // For a while after the last message, so a lost last message is noticed; then quiet.
      if (link.seqOut > 0 && now - link.lastSentAt < HEADS_FOR_MS) this.send(link, { type: 'heads' });
      link.storeStale(now);
    }
  }

  private onMessage(channel: string, payload: Uint8Array): void {
    if (!channel.startsWith(CLUSTER_CHANNEL_PREFIX)) return;
    const link = this.links.get(channel.slice(CLUSTER_CHANNEL_PREFIX.length));
    if (!link || link.room.phase.kind !== 'open') return;
    let m: ClusterMessage;
    try {
      m = decodeClusterMessage(payload);
    } catch (e) {
      this.stats.malformed += 1;
      this.log.warn({ err: (e as Error).message, channel }, 'ignoring malformed cluster message');
      return;
    }
    if (m.from === this.id) return;
    this.stats.received += 1;
    const last = link.seen.get(m.from);
    // `heads` repeats the sender's last number: ahead of what arrived means we missed the end.
    const expected = m.type === 'heads' ? m.seq : m.seq - 1;
    if (last !== undefined && expected > last) {
      this.stats.gaps += 1;
      this.requestSync(link, false);
    }
    link.seen.set(m.from, Math.max(last ?? 0, m.seq));
    try {
      this.handle(link, m);
    } catch (e) {
      this.stats.malformed += 1;
      this.log.warn({ err: (e as Error).message, from: m.from, doc: link.room.documentId }, e instanceof ProtocolError ? 'bad cluster message' : 'cluster message failed');
    }
  }

  private handle(link: DocLink, m: ClusterMessage): void {
    switch (m.type) {
      case 'update':
      case 'sync-reply': {
        if (m.type === 'sync-reply' && m.to !== this.id) return;
        // Changes in a sync reply are vouched for by nobody in particular: never confirmed.
        link.applying = m.type === 'update' ? { from: m.from, seq: m.seq } : undefined;
        try {
          if (!link.room.applyRemote(m.update)) this.requestSync(link, false);
        } finally {
          link.applying = undefined;
        }
        return;
      }
      case 'awareness':
        link.room.applyRemoteAwareness(m.update);
        return;
      case 'durable':
        link.durable(m.from, m.upto);
        return;
      case 'heads':
        return;
      case 'sync-request':
        this.send(link, { type: 'sync-reply', to: m.from, update: link.room.diffFor(m.stateVector) });
        {
          // The asker may have missed who is here too (it just loaded, or Redis was away).
          const here = link.room.localAwareness();
          if (here) this.send(link, { type: 'awareness', update: here });
        }
        if (m.answer) this.requestSync(link, false, true);
        return;
      default:
        throw new Error(`unknown cluster message ${JSON.stringify(m satisfies never)}`);
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.presence.close();
    for (const link of this.links.values()) this.detach(link.room);
    await this.bus.close();
  }
}
