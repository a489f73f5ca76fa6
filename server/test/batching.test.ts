import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { CloseCode, decodeMessage, encodeMessage } from '../../lib/protocol';
import { client, signedInUser, startHarness, storedDoc, waitFor, APP_ORIGIN, type Harness } from './helpers';

/**
 * Updates that arrive in one socket read are applied in one transaction (Room.receiveAll):
 * one relay frame, one log row, and every one of them acknowledged.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});

/** `n` single-character edits typed into a fresh document, as sync-update frames. */
function typed(n: number, text = 'abcdefghij'): Uint8Array[] {
  const src = new Y.Doc();
  const frames: Uint8Array[] = [];
  src.on('update', (update: Uint8Array) => frames.push(encodeMessage({ type: 'sync-update', update })));
  for (let i = 0; i < n; i++) src.getText('t').insert(i, text[i % text.length]);
  return frames;
}

/** A raw connection with Tandem's extensions; `ack` is the last acknowledged count. */
async function writer(documentId: string, cookie: string) {
  const ws = new WebSocket(`${h.url}/${documentId}?tandem=1`, { headers: { cookie, origin: APP_ORIGIN } });
  const state = { ack: 0, code: 0 };
  ws.on('message', (d: Buffer) => {
    const m = decodeMessage(new Uint8Array(d));
    if (m.type === 'ack') state.ack = m.count;
  });
  ws.on('close', (code) => (state.code = code));
  await new Promise((r) => ws.once('open', r));
  /** Sends `frames` in one write, so the server reads them together. */
  const burst = (frames: Uint8Array[]) => {
    const socket = (ws as unknown as { _socket: import('node:net').Socket })._socket;
    socket.cork();
    for (const f of frames) ws.send(f);
    socket.uncork();
  };
  return { ws, state, burst };
}

async function setup() {
  const owner = await signedInUser(h.storage, h.config, 'Ada');
  const doc = await h.storage.documents.create({ title: 'Burst', ownerId: owner.user.id, now: Date.now() });
  return { owner, doc };
}

describe('updates that arrive together', () => {
  it('are relayed as one frame, stored as one row and all acknowledged', async () => {
    const { owner, doc } = await setup();
    const observer = client(h, doc.id, owner.cookie);
    await waitFor(() => observer.provider.synced, 5000, 'observer synced');
    let relayed = 0;
    observer.doc.on('update', () => relayed++);
    const w = await writer(doc.id, owner.cookie);
    w.burst(typed(40));
    await waitFor(() => w.state.ack === 40, 5000, 'all 40 acknowledged');
    await waitFor(() => observer.text() === 'abcdefghij'.repeat(4), 5000, 'observer has the text');
    // One read, one transaction: fewer relays and rows than updates (one each when the 40
    // small frames come in one read, which they do over loopback).
    expect(relayed).toBeLessThanOrEqual(2);
    const stored = await h.storage.updates.loadState(doc.id);
    expect(stored.tail.length).toBeLessThanOrEqual(2);
    expect((await storedDoc(h.storage, doc.id)).getText('t').toString()).toBe('abcdefghij'.repeat(4));
    w.ws.close();
    observer.destroy();
  });

  it('are stored when the close frame comes with them', async () => {
    const { owner, doc } = await setup();
    const w = await writer(doc.id, owner.cookie);
    await new Promise((r) => setTimeout(r, 100)); // the room is loaded
    const frames = typed(5);
    w.burst(frames);
    w.ws.close(1000);
    await waitFor(async () => (await storedDoc(h.storage, doc.id)).getText('t').toString() === 'abcde', 5000, 'the five edits stored');
  });

  it('up to a malformed frame are kept, and the sender is closed', async () => {
    const { owner, doc } = await setup();
    const w = await writer(doc.id, owner.cookie);
    const frames = typed(5);
    w.burst([...frames.slice(0, 3), Uint8Array.of(0, 2, 0xff, 0xff, 0xff), frames[3], frames[4]]);
    await waitFor(() => w.state.code !== 0, 5000, 'closed');
    expect(w.state.code).toBe(CloseCode.InvalidData);
    await waitFor(async () => (await storedDoc(h.storage, doc.id)).getText('t').toString() === 'abc', 5000, 'the three edits before it stored');
  });
});
