import type { Logger } from 'pino';
import { WebSocket, type RawData } from 'ws';
import type { Config } from '../lib/config';
import { newId } from '../lib/ids';
import { CloseCode, ProtocolError, encodeAwarenessUpdate, encodeMessage } from '../lib/protocol';
import type { Beating } from './heartbeat';
import { ConnectionRate, type RateSpec } from './limits';
import type { Metrics } from './metrics';
import type { Role } from '../lib/storage/schema';
import type { Peer } from './peer';
import type { Room } from './room';
import type { RoomRegistry } from './rooms';
import type { UpgradeDecision } from './upgrade';
import { toBytes, type PeerSocket, type SocketEvents } from './peer-socket';
import { directSocket, socketOf, uncorkNow, writeFrame } from './wire-frame';

/** Frames a connection may send before its room has loaded; more means a misbehaving client. */
const MAX_BUFFERED_FRAMES = 1000;
const HEARTBEAT_FRAME = encodeMessage({ type: 'awareness', update: encodeAwarenessUpdate([]) });

/** What every socket binding shares: one object for the whole server, never one per connection. */
export interface AdapterContext {
  rooms: RoomRegistry;
  log: Logger;
  metrics: Metrics;
  config: Pick<Config, 'limits'>;
  /** The per-connection rate limits (see rateSpec). */
  rate: RateSpec;
  /** Called once when the connection is gone. */
  onGone(peer: SocketPeer): void;
}

/** What the upgrade established about an accepted connection; the peer copies its fields. */
export type Admitted = Extract<UpgradeDecision, { kind: 'accept' }>;

/**
 * Where a connection is with its room. While joining, frames that arrive are kept (`early`,
 * allocated at the first one) and handed over in order once the room is there.
 */
type Attachment = { kind: 'joining'; early: Uint8Array[] | undefined } | { kind: 'joined'; room: Room } | { kind: 'closed' };

const CLOSED: Attachment = { kind: 'closed' };

/** Peers whose inbox has frames, drained together once the current socket read is parsed. */
const filled: SocketPeer[] = [];

function drainFilled(): void {
  for (let i = 0; i < filled.length; i++) filled[i].drain();
  filled.length = 0;
}

/**
 * Set while the room handles a read that held one frame: each socket then gets at most one
 * frame from it (a relay, a reply), so that frame is written at once (see writeFrame).
 */
let writeThrough = false;

/** Log-only connection ids: random bytes per connection were 2 % of reconnect-5k's CPU. */
const ID_PREFIX = newId().slice(0, 6);
let connections = 0;

/** A live socket bound to a room: the only place that knows both `ws` and the room. */
export class SocketPeer implements Peer, Beating, SocketEvents {
  readonly id = ID_PREFIX + (++connections).toString(36);
  readonly identity;
  role;
  readonly extensions: boolean;
  readonly documentId: string;
  readonly sessionId: string;
  readonly auth: 'account' | 'embed';
  lastSentAt = Date.now();
  /** When the client last sent something; live sessions are kept fresh only while used. */
  lastReceivedAt = Date.now();
  private attachment: Attachment = { kind: 'joining', early: undefined };
  /** Frames of the current socket read, handed to the room together once the read is parsed; allocated when the first arrives. */
  private inbox: Uint8Array[] | undefined;
  private alive = true;
  private readonly rate: ConnectionRate;

  constructor(
    private readonly ws: PeerSocket,
    accepted: Admitted,
    private readonly ctx: AdapterContext,
  ) {
    this.identity = accepted.identity;
    this.role = accepted.role;
    this.extensions = accepted.extensions;
    this.documentId = accepted.documentId;
    this.sessionId = accepted.sessionId;
    this.auth = accepted.auth;
    this.rate = new ConnectionRate(ctx.rate);
    ws.peer = this;
    void this.attach();
  }

  get userId(): string {
    return this.identity.userId;
  }
  send(frame: Uint8Array): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.lastSentAt = Date.now();
    const socket = directSocket(this.ws);
    if (socket) writeFrame(socket, frame, writeThrough);
    else this.ws.send(frame);
    this.ctx.metrics.bytesOut.inc(frame.byteLength);
    if (this.ws.bufferedAmount > this.ctx.config.limits.maxBufferedBytes) {
      // The client reads slower than the document changes; holding more would grow without bound.
      this.ctx.log.warn({ conn: this.id, doc: this.documentId, buffered: this.ws.bufferedAmount }, 'slow consumer; dropping connection');
      this.drop('slow_consumer');
    }
  }

  flush(): void {
    const socket = socketOf(this.ws);
    if (socket) uncorkNow(socket);
  }

  /** Applies a changed role at once (the room refuses or accepts the next update by it). */
  applyRole(role: Role): void {
    if (this.attachment.kind === 'joined') this.attachment.room.setRole(this, role);
    else this.role = role;
  }

  beat(): void {
    this.send(HEARTBEAT_FRAME);
  }

  probe(): boolean {
    if (!this.alive) {
      this.ctx.log.info({ conn: this.id, doc: this.documentId }, 'no pong; reaping dead connection');
      this.drop('dead');
      return false;
    }
    this.alive = false;
    if (this.ws.readyState === WebSocket.OPEN) this.ws.ping();
    return true;
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(code, reason);
  }

  /** Ends the connection at once, without a close handshake (it could not get through). */
  private drop(why: string): void {
    this.ctx.metrics.closed.inc({ code: why });
    this.ws.terminate();
  }

  private async attach(): Promise<void> {
    try {
      const room = await this.ctx.rooms.join(this.documentId, this);
      const a = this.attachment;
      if (a.kind !== 'joining') {
        this.ctx.rooms.leave(room, this);
        return;
      }
      this.attachment = { kind: 'joined', room };
      if (a.early) this.deliver(a.early);
    } catch (err) {
      this.ctx.log.error({ conn: this.id, doc: this.documentId, err }, 'could not load document');
      this.close(CloseCode.InternalError, 'could not load document; retry');
    }
  }

  /** A message from the client (PeerSocket's listener). */
  receive(data: RawData, isBinary: boolean): void {
    const a = this.attachment;
    if (a.kind === 'closed') return;
    if (!isBinary) {
      this.close(CloseCode.UnsupportedData, 'binary frames only');
      return;
    }
    const frame = toBytes(data);
    this.lastReceivedAt = Date.now();
    this.ctx.metrics.bytesIn.inc(frame.byteLength);
    if (!this.rate.allow(frame.byteLength)) {
      this.ctx.log.warn({ conn: this.id, doc: this.documentId }, 'rate limit exceeded; closing connection');
      this.close(CloseCode.PolicyViolation, 'rate limit exceeded');
      return;
    }
    if (a.kind === 'joining') {
      // A brand-new client is answered from the stored bytes while the room is still built.
      if (this.ctx.rooms.offerStored(this.documentId, this, frame)) return;
      a.early ??= [];
      if (a.early.length >= MAX_BUFFERED_FRAMES) this.close(CloseCode.PolicyViolation, 'too many frames before sync');
      else a.early.push(frame);
      return;
    }
    // ws emits every message of a read before returning; the room gets them all at once.
    if (this.inbox) this.inbox.push(frame);
    else {
      this.inbox = [frame];
      if (filled.push(this) === 1) queueMicrotask(drainFilled);
    }
  }

  /** A pong from the client (PeerSocket's listener). */
  pong(): void {
    this.alive = true;
  }

  /** Hands the frames of the last read to the room (see drainFilled). */
  drain(): void {
    const frames = this.inbox;
    if (!frames) return;
    this.inbox = undefined;
    writeThrough = frames.length === 1;
    try {
      this.deliver(frames);
    } finally {
      writeThrough = false;
    }
  }

  /** Hands frames to the room; a malformed frame closes only this connection. */
  private deliver(frames: Uint8Array[]): void {
    const a = this.attachment;
    if (a.kind !== 'joined') return;
    this.ctx.metrics.frames.inc(frames.length);
    try {
      a.room.receiveAll(this, frames);
    } catch (err) {
      if (err instanceof ProtocolError) {
        this.ctx.log.warn({ conn: this.id, doc: this.documentId, reason: err.message }, 'malformed frame; closing connection');
        this.close(CloseCode.InvalidData, err.message.slice(0, 120));
      } else {
        this.ctx.log.error({ conn: this.id, doc: this.documentId, err }, 'failed to handle frame');
        this.close(CloseCode.InternalError, 'internal error');
      }
    }
  }

  /** A socket error (PeerSocket's listener); `ws` closes the socket after it. */
  failed(err: Error): void {
    this.ctx.log.warn({ conn: this.id, doc: this.documentId, err: err.message }, 'socket error');
  }

  /** The socket closed (PeerSocket's listener). */
  gone(code: number): void {
    const a = this.attachment;
    if (a.kind === 'closed') return;
    this.drain(); // defensive: ws emits close after the read it came in, but nothing sent may be lost
    this.attachment = CLOSED;
    this.ctx.metrics.closed.inc({ code: String(code) });
    this.ctx.log.debug({ conn: this.id, doc: this.documentId, code }, 'connection closed');
    if (a.kind === 'joined') this.ctx.rooms.leave(a.room, this);
    this.ws.peer = undefined;
    this.ctx.onGone(this);
  }
}
