import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { decodeMessage, encodeMessage, type Message } from '../lib/protocol';
import type { StoredChunk } from '../lib/storage';
import type { Peer } from './peer';
import { Room } from './room';
import { StoredFeed, isFreshStep1 } from './stored-feed';

const fresh = encodeMessage({ type: 'sync-step1', stateVector: Y.encodeStateVector(new Y.Doc()) });

function peer(id: string, extensions = true): Peer & { got: Message[]; flushedAt: number[] } {
  const got: Message[] = [];
  const flushedAt: number[] = [];
  return {
    id,
    identity: { userId: id, name: id, color: '#000' },
    role: 'editor',
    extensions,
    got,
    flushedAt,
    send: (f) => got.push(decodeMessage(f)),
    flush: () => flushedAt.push(got.length),
    close() {},
  };
}

/** A document typed in many small edits, as stored chunks: a snapshot of the first part, then rows. */
function stored() {
  const doc = new Y.Doc();
  const text = doc.getText('t');
  for (let i = 0; i < 300; i++) text.insert((i * 7) % (text.length + 1), String.fromCharCode(97 + (i % 26)));
  const snapshot: StoredChunk = { kind: 'snapshot', updates: [Y.encodeStateAsUpdate(doc)], uptoId: 10 };
  const rows: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => rows.push(u));
  for (let i = 0; i < 40; i++) {
    if (i % 4 === 3) text.delete(i, 2);
    else text.insert(i * 3, 'xy');
  }
  const page = (from: number, to: number): StoredChunk => ({ kind: 'rows', rows: rows.slice(from, to).map((data, k) => ({ id: 11 + from + k, data })) });
  return { text: text.toString(), chunks: [snapshot, page(0, 25), page(25, 40)] };
}

/** What a client holds after applying every sync-step2/update it was sent. */
function held(p: { got: Message[] }): string {
  const d = new Y.Doc();
  for (const m of p.got) if (m.type === 'sync-update' || m.type === 'sync-step2') Y.applyUpdate(d, m.update);
  return d.getText('t').toString();
}

const noDeps = { persist: async () => {}, onFailure: () => {} };

describe('StoredFeed', () => {
  it('recognises only the exact encoding of an empty state vector', () => {
    expect(isFreshStep1(fresh)).toBe(true);
    const d = new Y.Doc();
    d.getText('t').insert(0, 'a');
    expect(isFreshStep1(encodeMessage({ type: 'sync-step1', stateVector: Y.encodeStateVector(d) }))).toBe(false);
    expect(isFreshStep1(new Uint8Array([...fresh, 0]))).toBe(false);
    expect(isFreshStep1(new Uint8Array([0, 0, 2, 0x80, 0]))).toBe(false);
    expect(isFreshStep1(encodeMessage({ type: 'sync-update', update: new Uint8Array([0, 0]) }))).toBe(false);
    expect(isFreshStep1(new Uint8Array([]))).toBe(false);
  });

  it('serves a client that asks before, during and after the read with exactly what was read, then joins it', () => {
    const { text, chunks } = stored();
    const feed = new StoredFeed();
    const early = peer('early');
    const middle = peer('middle', false);
    const late = peer('late');
    expect(feed.offer(early, fresh)).toBe(true);
    expect(feed.offer(early, fresh)).toBe(false); // only the first step 1 is answered
    feed.add(chunks[0]);
    feed.add(chunks[1]);
    expect(feed.offer(middle, fresh)).toBe(true);
    feed.add(chunks[2]);
    expect(early.got.at(-1)?.type).toBe('sync-update'); // not complete yet: no step 2
    feed.end();
    expect(feed.offer(late, fresh)).toBe(true);
    for (const p of [early, middle, late]) {
      expect(held(p)).toBe(text);
      // The step 2 closes the stored state; nothing after it.
      expect(p.got.filter((m) => m.type === 'sync-step2')).toHaveLength(1);
      expect(p.got.at(-1)).toEqual({ type: 'sync-step2', update: new Uint8Array([0, 0]) });
    }
    // Everything stored was handed to the network at once, not at the end of the task.
    for (const p of [early, middle, late]) expect(p.flushedAt.at(-1)).toBe(p.got.length);
    expect(early.got[0]).toEqual({ type: 'role', role: 'editor' });
    expect(middle.got.some((m) => m.type === 'role')).toBe(false); // no extensions, no role notice

    const room = new Room('d', noDeps, chunks.flatMap((c) => (c.kind === 'snapshot' ? c.updates : c.rows.map((r) => r.data))));
    feed.joinAll(room);
    expect(room.size).toBe(3);
    // Joining is idempotent: the connection's own join later changes nothing.
    expect(room.join(early)).toBe(true);
    expect(room.size).toBe(3);
    expect(feed.offer(peer('after'), fresh)).toBe(false); // the room is built: the ordinary path
    room.destroy();
  });

  it('stops taking new clients once it no longer keeps what was read, and still streams to those it served', () => {
    const { text, chunks } = stored();
    const feed = new StoredFeed();
    const served = peer('served');
    feed.add(chunks[0]);
    expect(feed.offer(served, fresh)).toBe(true);
    feed.stopRetaining();
    expect(feed.offer(peer('refused'), fresh)).toBe(false);
    feed.add(chunks[1]);
    feed.add(chunks[2]);
    feed.end();
    expect(held(served)).toBe(text);
  });

  it('leaves other frames, and non-empty state vectors, to the ordinary path', () => {
    const feed = new StoredFeed();
    const p = peer('p');
    const d = new Y.Doc();
    d.getText('t').insert(0, 'mine');
    expect(feed.offer(p, encodeMessage({ type: 'sync-step1', stateVector: Y.encodeStateVector(d) }))).toBe(false);
    expect(feed.offer(p, encodeMessage({ type: 'sync-update', update: Y.encodeStateAsUpdate(d) }))).toBe(false);
    expect(feed.offer(p, new Uint8Array([0, 0, 200]))).toBe(false);
    expect(p.got).toEqual([]);
  });
});
