import type { Duplex } from 'node:stream';
import { WebSocket, type RawData, type Server } from 'ws';

/**
 * The socket side of a connection: `ws`'s socket class with a slot for the object that handles
 * its events (a SocketPeer, ws-adapter.ts), the upgrade guard and the shutdown wait. Nothing
 * here knows rooms or the protocol.
 */

/** What a {@link PeerSocket} hands its events to. */
export interface SocketEvents {
  receive(data: RawData, isBinary: boolean): void;
  pong(): void;
  gone(code: number): void;
  failed(err: Error): void;
}

/**
 * `ws`'s socket with a slot for its peer, so the event listeners can be the same functions for
 * every connection (they find their peer through `this`) instead of closures per connection.
 * Give it to the server: `new WebSocketServer({ WebSocket: PeerSocket })`. A refused socket
 * never gets a peer; its events are ignored.
 */
export class PeerSocket extends WebSocket {
  peer: SocketEvents | undefined = undefined;

  // `ws` constructs it as `new WebSocket(null, undefined, options)`; any is what lets the class
  // stand in for all of WebSocket's constructor overloads.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  constructor(...args: any[]) {
    super(...(args as [null]));
    this.on('message', onSocketMessage);
    this.on('pong', onSocketPong);
    this.on('close', onSocketClose);
    this.on('error', onSocketError);
  }
}

function onSocketMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
  (this as PeerSocket).peer?.receive(data, isBinary);
}

function onSocketPong(this: WebSocket): void {
  (this as PeerSocket).peer?.pong();
}

function onSocketClose(this: WebSocket, code: number): void {
  (this as PeerSocket).peer?.gone(code);
}

function onSocketError(this: WebSocket, err: Error): void {
  (this as PeerSocket).peer?.failed(err);
}

/**
 * Destroys an upgrading socket that errs (the client hung up while it was authorized), which
 * would otherwise be an unhandled 'error'. One function for all sockets, so nothing per
 * connection keeps the upgrade request alive.
 */
export function guardUpgrade(socket: Duplex): void {
  socket.on('error', destroySocket);
}

function destroySocket(this: Duplex): void {
  this.destroy();
}

/** Resolves once every socket of `wss` has closed, or after `ms`. */
export function settleCloses(wss: Server<typeof PeerSocket>, ms: number): Promise<void> {
  const open = [...wss.clients].filter((ws) => ws.readyState !== ws.CLOSED);
  if (open.length === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    let left = open.length;
    for (const ws of open) {
      ws.once('close', () => {
        if (--left === 0) {
          clearTimeout(timer);
          resolve();
        }
      });
    }
  });
}

export function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
