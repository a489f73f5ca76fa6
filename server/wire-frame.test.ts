import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { binaryFrame, corkUntilTaskEnds, directSocket, writeFrame } from './wire-frame';

let wss: WebSocketServer | undefined;
afterEach(async () => {
  const s = wss;
  wss = undefined;
  if (!s) return;
  for (const c of s.clients) c.terminate();
  await new Promise((r) => s.close(r));
});

/** A real ws server and client; resolves with the server's side of the connection. */
async function pair(perMessageDeflate = false): Promise<{ server: WebSocket; client: WebSocket; received: Buffer[] }> {
  wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate });
  await once(wss, 'listening');
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, { perMessageDeflate });
  const received: Buffer[] = [];
  client.on('message', (d, isBinary) => {
    expect(isBinary).toBe(true);
    received.push(d as Buffer);
  });
  const [[server]] = await Promise.all([once(wss, 'connection'), once(client, 'open')]);
  return { server: server as WebSocket, client, received };
}

const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

describe('prepared broadcast frames', () => {
  it('are read by a ws client as the same messages, at every length encoding', async () => {
    const { server, received } = await pair();
    // 7-bit, 16-bit and 64-bit payload lengths (RFC 6455 §5.2), at and around each boundary.
    const sizes = [0, 1, 125, 126, 127, 65535, 65536, 200_000];
    const socket = directSocket(server);
    expect(socket).not.toBeNull();
    for (const [i, n] of sizes.entries()) socket!.write(binaryFrame(bytes(n, i)));
    // ws's own sends still interleave correctly with direct writes.
    server.send(bytes(10, 99));
    await expect.poll(() => received.length).toBe(sizes.length + 1);
    for (const [i, n] of sizes.entries()) expect(Buffer.compare(received[i], Buffer.from(bytes(n, i)))).toBe(0);
    expect(Buffer.compare(received[sizes.length], Buffer.from(bytes(10, 99)))).toBe(0);
  });

  it('frames a payload once for all peers of a broadcast, and anew for a new payload', () => {
    const a = bytes(50, 1);
    expect(binaryFrame(a)).toBe(binaryFrame(a));
    expect(binaryFrame(bytes(50, 1))).not.toBe(binaryFrame(a));
  });

  it('are not written directly while ws has a message of its own in progress', async () => {
    const { server, received } = await pair(true);
    // A compressed message keeps ws's sender busy (zlib runs off-thread) with later sends queued;
    // a direct write now would overtake them.
    server.send(Buffer.alloc(100_000, 7), { compress: true });
    expect(directSocket(server)).toBeNull();
    await expect.poll(() => received.length).toBe(1);
    expect(directSocket(server)).not.toBeNull();
  });

  it('leave in one write per socket once the sending task is over, before the next event-loop turn', async () => {
    const { server, received } = await pair();
    const socket = directSocket(server)!;
    const writes: number[] = [];
    const s = socket as unknown as { _writev(chunks: unknown[], cb: unknown): void };
    const writev = s._writev.bind(socket);
    s._writev = (chunks, cb) => (writes.push(chunks.length), writev(chunks, cb));
    let corkedAtNextTurn = -1;
    setImmediate(() => (corkedAtNextTurn = socket.writableCorked));
    for (let i = 0; i < 3; i++) {
      corkUntilTaskEnds(socket);
      socket.write(binaryFrame(bytes(20, i)));
    }
    expect(socket.writableCorked).toBe(1);
    expect(writes).toEqual([]);
    await Promise.resolve(); // runs after the uncork the first cork queued
    expect(socket.writableCorked).toBe(0);
    expect(writes).toEqual([3]);
    await expect.poll(() => received.length).toBe(3);
    expect(corkedAtNextTurn).toBe(0);
  });

  it('written now leave at once, unless the socket already holds frames of this task', async () => {
    const { server, received } = await pair();
    const socket = directSocket(server)!;
    const writes: number[] = [];
    const s = socket as unknown as { _write(c: unknown, e: unknown, cb: unknown): void; _writev(chunks: unknown[], cb: unknown): void };
    const write = s._write.bind(socket);
    const writev = s._writev.bind(socket);
    s._write = (c, e, cb) => (writes.push(1), write(c, e, cb));
    s._writev = (chunks, cb) => (writes.push(chunks.length), writev(chunks, cb));
    writeFrame(socket, bytes(20, 1), true);
    // Handed to the socket within the call: nothing held, nothing waiting for the task to end.
    expect(writes).toEqual([1]);
    expect(socket.writableCorked).toBe(0);
    writeFrame(socket, bytes(20, 2), false);
    writeFrame(socket, bytes(20, 3), true);
    // The second is held; the third goes behind it, not around it.
    expect(socket.writableCorked).toBe(1);
    expect(writes).toEqual([1]);
    await Promise.resolve();
    expect(writes).toEqual([1, 2]);
    await expect.poll(() => received.length).toBe(3);
    expect(received.map((b) => b[0])).toEqual([bytes(20, 1)[0], bytes(20, 2)[0], bytes(20, 3)[0]]);
  });
});
