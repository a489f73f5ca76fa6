import * as encoding from 'lib0/encoding';
import * as prng from 'lib0/prng';
import { describe, expect, it } from 'vitest';
import { decodeAwarenessUpdate, encodeAwarenessUpdate, type AwarenessEntry } from './awareness';
import { ProtocolError, decodeMessage, encodeMessage } from './codec';
import { carriesUpdate, type Message } from './messages';

const bytes = (g: prng.PRNG, max = 64) => prng.uint8Array(g, prng.uint32(g, 0, max));
/** Byte arrays as hex, so deep equality stays fast on large frames. */
const norm = (m: Message) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v]));

/** One generator per message type; the round-trip test covers every pair from this table. */
const generators: Record<Message['type'], (g: prng.PRNG) => Message> = {
  'sync-step1': (g) => ({ type: 'sync-step1', stateVector: bytes(g) }),
  'sync-step2': (g) => ({ type: 'sync-step2', update: bytes(g, 4096) }),
  'sync-update': (g) => ({ type: 'sync-update', update: bytes(g, 4096) }),
  awareness: (g) => ({ type: 'awareness', update: bytes(g) }),
  'query-awareness': () => ({ type: 'query-awareness' }),
  'auth-denied': (g) => ({ type: 'auth-denied', reason: prng.utf16String(g, 40) }),
  ack: (g) => ({ type: 'ack', count: prng.uint53(g, 0, Number.MAX_SAFE_INTEGER) }),
  role: (g) => ({ type: 'role', role: prng.oneOf(g, ['owner', 'editor', 'viewer']) }),
  ticket: (g) => ({ type: 'ticket', ticket: prng.word(g, 43, 43) }),
  title: (g) => ({ type: 'title', title: prng.utf16String(g, 40) }),
};

describe('message codec', () => {
  for (const [type, gen] of Object.entries(generators)) {
    it(`round-trips ${type} over 2,000 seeded random values`, () => {
      const g = prng.create(type.length * 7919);
      for (let i = 0; i < 2000; i++) {
        const m = gen(g);
        expect(norm(decodeMessage(encodeMessage(m)))).toEqual(norm(m));
      }
    });
  }

  it('encodes the y-websocket wire format byte for byte', () => {
    expect([...encodeMessage({ type: 'sync-step1', stateVector: new Uint8Array([0]) })]).toEqual([0, 0, 1, 0]);
    expect([...encodeMessage({ type: 'sync-update', update: new Uint8Array([0, 0]) })]).toEqual([0, 2, 2, 0, 0]);
    expect([...encodeMessage({ type: 'query-awareness' })]).toEqual([3]);
    expect([...encodeMessage({ type: 'ack', count: 300 })]).toEqual([100, 0xac, 0x02]);
  });

  it('writes update-carrying frames exactly as lib0 does, across every length-prefix size', () => {
    const lib0 = (tags: number[], update: Uint8Array) => {
      const e = encoding.createEncoder();
      for (const t of tags) encoding.writeVarUint(e, t);
      encoding.writeVarUint8Array(e, update);
      return Buffer.from(encoding.toUint8Array(e)).toString('hex');
    };
    for (const n of [0, 1, 127, 128, 129, 16_383, 16_384, 2_097_151, 2_097_152]) {
      const update = new Uint8Array(n).map((_, i) => i * 31);
      const hex = (m: Message) => Buffer.from(encodeMessage(m)).toString('hex');
      expect(hex({ type: 'sync-update', update })).toBe(lib0([0, 2], update));
      expect(hex({ type: 'sync-step2', update })).toBe(lib0([0, 1], update));
      expect(hex({ type: 'awareness', update })).toBe(lib0([1], update));
    }
  });

  it.each([
    ['empty frame', []],
    ['unknown message type', [42]],
    ['unknown sync type', [0, 9, 0]],
    ['truncated length', [0, 2, 5, 1, 2]],
    ['varint overflow', [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]],
    ['trailing bytes', [3, 0]],
    ['unknown auth type', [2, 7]],
  ])('rejects %s with ProtocolError', (_name, frame) => {
    expect(() => decodeMessage(new Uint8Array(frame))).toThrow(ProtocolError);
  });

  it('never throws anything but ProtocolError on random bytes', () => {
    const g = prng.create(1);
    for (let i = 0; i < 20_000; i++) {
      const frame = bytes(g, 32);
      try {
        decodeMessage(frame);
      } catch (e) {
        expect(e).toBeInstanceOf(ProtocolError);
      }
    }
  });

  it('marks exactly sync step 2 and update as update-bearing', () => {
    const g = prng.create(2);
    const bearing = Object.values(generators).map((gen) => gen(g)).filter(carriesUpdate).map((m) => m.type);
    expect(bearing.sort()).toEqual(['sync-step2', 'sync-update']);
  });
});

describe('awareness codec', () => {
  it('round-trips entries, including removals', () => {
    const g = prng.create(3);
    for (let i = 0; i < 500; i++) {
      const entries: AwarenessEntry[] = Array.from({ length: prng.uint32(g, 0, 5) }, () => ({
        clientId: prng.uint32(g, 0, 2 ** 31),
        clock: prng.uint32(g, 0, 1e6),
        state: prng.bool(g) ? null : { user: { name: prng.word(g) }, cursor: prng.uint32(g, 0, 100) },
      }));
      expect(decodeAwarenessUpdate(encodeAwarenessUpdate(entries))).toEqual(entries);
    }
  });

  it.each([
    ['garbage JSON', [1, 1, 1, 3, 0x7b, 0x7b, 0x7b]],
    ['a non-object state', [1, 1, 1, 1, 0x37]],
    ['truncated', [2, 1, 1]],
    ['trailing bytes', [0, 0]],
  ])('rejects %s', (_n, update) => {
    expect(() => decodeAwarenessUpdate(new Uint8Array(update))).toThrow(ProtocolError);
  });
});
