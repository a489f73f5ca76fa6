import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocket, type RawData } from 'ws';
import type { Config } from '../lib/config';
import { newId } from '../lib/ids';
import { CloseCode, ProtocolError, encodeAwarenessUpdate, encodeMessage } from '../lib/protocol';
import type { Beating } from './heartbeat';
import { ConnectionRate } from './limits';
import type { Metrics } from './metrics';
import type { Role } from '../lib/storage/schema';
import type { Peer } from './peer';
import type { Room } from './room';
import type { RoomRegistry } from './rooms';
import type { UpgradeDecision } from './upgrade';
import { binaryFrame, directSocket, socketOf } from './wire-frame';

/** Frames a connection may send before its room has loaded; more means a misbehaving client. */
const MAX_BUFFERED_FRAMES = 1000;
const HEARTBEAT_FRAME = encodeMessage({ type: 'awareness', update: encodeAwarenessUpdate([]) });

/** Sockets corked during this turn of the event loop; uncorked together right after it. */
const corked = new Set<Duplex>();

/**
 * Holds a socket's writes until the end of this event-loop turn, so everything sent to it
 * meanwhile (relays of several updates, their acks) leaves in one write system call instead of
 * one per frame. Adds no delay beyond the turn. `ws` corks around each frame too; corking
 * nests, so the socket flushes at our uncork.
 */
function corkUntilNextTurn(socket: Duplex): void {
  if (corked.has(socket)) return;
  if (corked.size === 0) setImmediate(uncorkAll);
  corked.add(socket);
  socket.cork();
}

function uncorkAll(): void {
  for (const s of corked) s.uncork();
  corked.clear();
}

/** What every socket binding shares. */
export interface AdapterContext {
  rooms: RoomRegistry;
  log: Logger;
  metrics: Metrics;
  config: Pick<Config, 'limits' | 'maxMessageBytes'>;
  /** Called once when the connection is gone. */
  onGone(peer: SocketPeer): void;
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** A live socket bound to a room: the only place that knows both `ws` and the room. */
export class SocketPeer implements Peer, Beating {
  readonly id = newId().slice(0, 12);
  readonly identity;
  role;
  readonly extensions: boolean;
  readonly documentId: string;
  readonly sessionId: string;
  readonly auth: 'account' | 'embed';
  lastSentAt = Date.now();
  /** When the client last sent something; live sessions are kept fresh only while used. */
  lastReceivedAt = Date.now();
  private room: Room | null = null;
  private buffer: Uint8Array[] | null = [];
  /** Frames of the current socket read, handed to the room together once the read is parsed. */
  private inbox: Uint8Array[] = [];
  private closed = false;
  private alive = true;
  private readonly rate: ConnectionRate;

  constructor(
    private readonly ws: WebSocket,
    accepted: Extract<UpgradeDecision, { kind: 'accept' }>,
    private readonly ctx: AdapterContext,
  ) {
    this.identity = accepted.identity;
    this.role = accepted.role;
    this.extensions = accepted.extensions;
    this.documentId = accepted.documentId;
    this.sessionId = accepted.sessionId;
    this.auth = accepted.auth;
    this.rate = new ConnectionRate(ctx.config.limits, ctx.config.maxMessageBytes);
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('pong', () => (this.alive = true));
    ws.on('close', (code) => this.onClose(code));
    ws.on('error', (err) => this.ctx.log.warn({ conn: this.id, doc: this.documentId, err: err.message }, 'socket error'));
    void this.attach();
  }

  get userId(): string {
    return this.identity.userId;
  }

  send(frame: Uint8Array): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.lastSentAt = Date.now();
    const socket = directSocket(this.ws);
    if (socket) {
      corkUntilNextTurn(socket);
      socket.write(binaryFrame(frame));
    } else this.ws.send(frame);
    this.ctx.metrics.bytesOut.inc(frame.byteLength);
    if (this.ws.bufferedAmount > this.ctx.config.limits.maxBufferedBytes) {
      // The client reads slower than the document changes; holding more would grow without bound.
      this.ctx.log.warn({ conn: this.id, doc: this.documentId, buffered: this.ws.bufferedAmount }, 'slow consumer; dropping connection');
      this.drop('slow_consumer');
    }
  }

  flush(): void {
    const socket = socketOf(this.ws);
    if (socket && corked.delete(socket)) socket.uncork();
  }

  /** Applies a changed role at once (the room refuses or accepts the next update by it). */
  applyRole(role: Role): void {
    if (this.room) this.room.setRole(this, role);
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
      if (this.closed) {
        this.ctx.rooms.leave(room, this);
        return;
      }
      this.room = room;
      const pending = this.buffer ?? [];
      this.buffer = null;
      this.deliver(pending);
    } catch (err) {
      this.ctx.log.error({ conn: this.id, doc: this.documentId, err }, 'could not load document');
      this.close(CloseCode.InternalError, 'could not load document; retry');
    }
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.closed) return;
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
    if (this.buffer) {
      // A brand-new client is answered from the stored bytes while the room is still built.
      if (this.ctx.rooms.offerStored(this.documentId, this, frame)) return;
      if (this.buffer.length >= MAX_BUFFERED_FRAMES) this.close(CloseCode.PolicyViolation, 'too many frames before sync');
      else this.buffer.push(frame);
      return;
    }
    // ws emits every message of a read before returning; the room gets them all at once.
    if (this.inbox.push(frame) === 1) queueMicrotask(this.drain);
  }

  private readonly drain = (): void => {
    const frames = this.inbox;
    if (frames.length === 0) return;
    this.inbox = [];
    this.deliver(frames);
  };

  /** Hands frames to the room; a malformed frame closes only this connection. */
  private deliver(frames: Uint8Array[]): void {
    if (!this.room || this.closed) return;
    this.ctx.metrics.frames.inc(frames.length);
    try {
      this.room.receiveAll(this, frames);
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

  private onClose(code: number): void {
    if (this.closed) return;
    this.drain(); // defensive: ws emits close after the read it came in, but nothing sent may be lost
    this.closed = true;
    this.ctx.metrics.closed.inc({ code: String(code) });
    this.ctx.log.debug({ conn: this.id, doc: this.documentId, code }, 'connection closed');
    if (this.room) this.ctx.rooms.leave(this.room, this);
    this.ctx.onGone(this);
  }
}
