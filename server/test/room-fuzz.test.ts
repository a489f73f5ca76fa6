import * as prng from 'lib0/prng';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ProtocolError, decodeMessage, encodeMessage } from '../../lib/protocol';
import type { Role } from '../../lib/storage';
import type { Peer } from '../peer';
import { Room } from '../room';
import { buildCorpus, nextFrame } from './fuzz-frames';

/** A peer whose frames land in an inbox, delivered only when the test says so (deterministic). */
class MemPeer implements Peer {
  static n = 0;
  readonly id = `p${++MemPeer.n}`;
  readonly identity = { userId: this.id, name: this.id, color: '#000' };
  readonly extensions = true;
  inbox: Uint8Array[] = [];
  closed = false;
  constructor(public role: Role) {}
  send(f: Uint8Array) {
    this.inbox.push(f);
  }
  close() {
    this.closed = true;
  }
}

/** An honest client: a Y.Doc that syncs with the room through a MemPeer. */
class Honest {
  readonly doc = new Y.Doc();
  readonly peer = new MemPeer('editor');
  constructor(private readonly room: Room) {
    this.doc.on('update', (u: Uint8Array, origin: unknown) => {
      if (origin !== this) room.receive(this.peer, encodeMessage({ type: 'sync-update', update: u }));
    });
    room.join(this.peer);
    room.receive(this.peer, encodeMessage({ type: 'sync-step1', stateVector: Y.encodeStateVector(this.doc) }));
  }
  deliver() {
    const frames = this.peer.inbox.splice(0);
    for (const f of frames) {
      const m = decodeMessage(f);
      if (m.type === 'sync-step1') this.room.receive(this.peer, encodeMessage({ type: 'sync-step2', update: Y.encodeStateAsUpdate(this.doc, m.stateVector) }));
      else if (m.type === 'sync-step2' || m.type === 'sync-update') Y.applyUpdate(this.doc, m.update, this);
    }
  }
}

const sameState = (a: Y.Doc, b: Y.Doc) => Y.equalSnapshots(Y.snapshot(a), Y.snapshot(b)) && a.getText('t').toString() === b.getText('t').toString();

/**
 * Feeds `count` generated frames from editor and viewer attackers into a room while two
 * honest clients edit. Invariants: only ProtocolError escapes; a viewer never changes the
 * document; honest clients converge with the room; the persisted log replays to the same state.
 */
async function fuzzRoom(seed: number, count: number) {
  const g = prng.create(seed);
  const corpus = buildCorpus(seed);
  const log: Uint8Array[] = [];
  const room = new Room('fuzzdoc', { persist: async (_id, u) => void log.push(u), onFailure: (_r, e) => { throw e; } });
  const honest = [new Honest(room), new Honest(room)];
  let editor = new MemPeer('editor');
  let viewer = new MemPeer('viewer');
  room.join(editor);
  room.join(viewer);
  let rejected = 0;
  for (let i = 0; i < count; i++) {
    const r = prng.uint32(g, 0, 9);
    if (r === 0) {
      const h = prng.oneOf(g, honest);
      const t = h.doc.getText('t');
      if (prng.bool(g) || t.length < 2) t.insert(prng.uint32(g, 0, t.length), prng.word(g, 1, 4));
      else t.delete(prng.uint32(g, 0, t.length - 1), 1);
      continue;
    }
    if (r === 1) {
      honest.forEach((h) => h.deliver());
      continue;
    }
    const asViewer = r === 2;
    const attacker = asViewer ? viewer : editor;
    const frame = nextFrame(g, corpus);
    const before = asViewer ? Y.snapshot(room.doc) : null;
    try {
      room.receive(attacker, frame);
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw new Error(`seed ${seed}, frame ${i}: ${(e as Error).stack}`);
      rejected++;
      // The adapter closes the connection; a fresh attacker takes its place.
      room.leave(attacker);
      const next = new MemPeer(attacker.role);
      room.join(next);
      if (asViewer) viewer = next;
      else editor = next;
    }
    if (before) expect(Y.equalSnapshots(before, Y.snapshot(room.doc)), `seed ${seed}, frame ${i}: a viewer changed the document`).toBe(true);
    // The room never keeps content it could not integrate (it would be retried forever).
    if (room.doc.store.pendingStructs !== null || room.doc.store.pendingDs !== null) throw new Error(`seed ${seed}, frame ${i}: pending content left in the room`);
    if (i % 1000 === 0) await Promise.resolve();
  }
  await room.durable();
  for (let k = 0; k < 5; k++) honest.forEach((h) => h.deliver());
  for (const h of honest) expect(sameState(h.doc, room.doc), `seed ${seed}: honest client diverged`).toBe(true);
  const replay = new Y.Doc();
  for (const u of log) Y.applyUpdate(replay, u);
  expect(sameState(replay, room.doc), `seed ${seed}: the log does not replay to the room's state`).toBe(true);
  room.destroy();
  return { rejected };
}

describe('room fuzz (deterministic, seeded)', () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: 30,000 frames`, async () => {
      const { rejected } = await fuzzRoom(seed, 30_000);
      expect(rejected).toBeGreaterThan(1000);
    }, 60_000);
  }
  // Seeds that once failed are pinned below, each named after what it found.
  it('seed 1, pinned: an update on which Yjs throws part-way must not leave pending content that later rejects an honest client', async () => {
    await fuzzRoom(1, 2_000);
  });
  it('seed 2, pinned: updates with missing dependencies must not pile up (they made every later update slower)', async () => {
    await fuzzRoom(2, 5_000);
  });
});
