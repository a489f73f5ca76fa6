import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

/**
 * Prepared WebSocket frames for broadcasts. `ws` frames a message anew for every socket it is
 * sent to: a header allocation, two writes and a cork/uncork per peer. A room sends the same
 * message to every peer, so the frame (header and payload in one Buffer) is built once and the
 * same bytes are written to each socket, which is what a raw relay's kernel work costs and
 * little more. Server-to-client frames are never masked (RFC 6455 §5.1), so they are the same
 * for every client.
 */

/** The last payload framed and its frame: a broadcast asks for the same payload once per peer. */
let lastPayload: Uint8Array | undefined;
let lastFrame: Buffer | undefined;

/** One final, unmasked binary frame (RFC 6455 §5.2) carrying `payload`. */
export function binaryFrame(payload: Uint8Array): Buffer {
  if (payload === lastPayload) return lastFrame!;
  const n = payload.byteLength;
  const header = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const out = Buffer.allocUnsafe(header + n);
  out[0] = 0x82; // FIN + opcode 2 (binary)
  if (n < 126) out[1] = n;
  else if (n < 65536) {
    out[1] = 126;
    out.writeUInt16BE(n, 2);
  } else {
    out[1] = 127;
    out.writeUInt32BE(Math.floor(n / 2 ** 32), 2);
    out.writeUInt32BE(n >>> 0, 6);
  }
  out.set(payload, header);
  lastPayload = payload;
  lastFrame = out;
  return out;
}

/** The parts of `ws`'s WebSocket a direct write needs (private in its typings; stable since ws 8.0). */
interface WsInternals {
  _socket?: Duplex;
  _sender?: { _state: number; _queue: unknown[] };
}

/** The TCP socket under `ws` (undefined before it connects). */
export function socketOf(ws: WebSocket): Duplex | undefined {
  return (ws as unknown as WsInternals)._socket;
}

/**
 * The socket under `ws` when a frame may be written to it directly: `ws`'s own sender has
 * nothing queued (it queues only while compressing or reading a Blob, which this server never
 * does: compression is off), so bytes written now keep their place in the stream. Otherwise
 * null, and the caller sends through `ws`.
 */
export function directSocket(ws: WebSocket): Duplex | null {
  const w = ws as unknown as WsInternals;
  const sender = w._sender;
  if (!w._socket || !sender || sender._state !== 0 || sender._queue.length > 0) return null;
  return w._socket;
}

/** Sockets corked by the task now running; uncorked together when its microtasks run. */
const corked = new Set<Duplex>();

/**
 * Holds a socket's writes until the task now running (the socket read, timer or worker reply
 * that is sending) has finished, so everything sent to it meanwhile (relays of the updates of
 * one read, their acks) leaves in one write system call instead of one per frame. Not until the
 * end of the event-loop turn, as it once was: a busy turn runs the reads of hundreds of sockets
 * (tens of ms while 10,000 clients connect), and every reply waited for all of them. Flushing
 * after each task cut idle-10k's connect-to-synced p99 and rooms-1000's latency in A B runs
 * (docs/BENCHMARKS.md). `ws` corks around each frame too; corking nests, so the socket
 * flushes at our uncork.
 */
export function corkUntilTaskEnds(socket: Duplex): void {
  if (corked.has(socket)) return;
  if (corked.size === 0) queueMicrotask(uncorkAll);
  corked.add(socket);
  socket.cork();
}

function uncorkAll(): void {
  for (const s of corked) s.uncork();
  corked.clear();
}

/**
 * Writes `payload` as a frame to `socket`: at once when `now` and nothing is held for the
 * socket in this task, otherwise held until the task ends (corkUntilTaskEnds), behind what is
 * held already. A caller passes `now` when it knows the socket gets no other frame from the
 * task (a relay of a read that held one frame): holding that one frame only delayed it by the
 * rest of the task, the writes to every other peer included (fanout-50: the server's first
 * write ~80 µs later on average, the same writes and CPU; docs/BENCHMARKS.md).
 */
export function writeFrame(socket: Duplex, payload: Uint8Array, now: boolean): void {
  if (!now || corked.has(socket)) corkUntilTaskEnds(socket);
  socket.write(binaryFrame(payload));
}

/** Uncorks `socket` now if it is held until the end of the task. */
export function uncorkNow(socket: Duplex): void {
  if (corked.delete(socket)) socket.uncork();
}
