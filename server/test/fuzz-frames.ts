import * as encoding from 'lib0/encoding';
import * as prng from 'lib0/prng';
import * as Y from 'yjs';
import { encodeAwarenessUpdate, encodeMessage } from '../../lib/protocol';

/** Real frames of an honest editing session, the raw material for mutations. */
export function buildCorpus(seed: number): { frames: Uint8Array[]; updates: Uint8Array[] } {
  const g = prng.create(seed);
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  const text = doc.getText('t');
  const frag = doc.getXmlFragment('default');
  for (let i = 0; i < 60; i++) {
    const r = prng.uint32(g, 0, 5);
    if (r === 0 && text.length > 3) text.delete(prng.uint32(g, 0, text.length - 2), 2);
    else if (r === 1) text.format(0, Math.min(3, text.length), { bold: true });
    else if (r === 2) {
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText(prng.word(g))]);
      frag.insert(frag.length, [p]);
    } else if (r === 3) doc.getMap('m').set(prng.word(g), prng.uint32(g, 0, 100));
    else text.insert(prng.uint32(g, 0, text.length), prng.word(g, 1, 6));
  }
  const frames = [
    ...updates.map((update) => encodeMessage({ type: 'sync-update', update })),
    encodeMessage({ type: 'sync-step1', stateVector: Y.encodeStateVector(doc) }),
    encodeMessage({ type: 'sync-step2', update: Y.encodeStateAsUpdate(doc) }),
    encodeMessage({ type: 'awareness', update: encodeAwarenessUpdate([{ clientId: 7, clock: 3, state: { cursor: { anchor: 1 } } }]) }),
    encodeMessage({ type: 'query-awareness' }),
  ];
  return { frames, updates };
}

function mutateBytes(g: prng.PRNG, src: Uint8Array): Uint8Array {
  const b = new Uint8Array(src);
  switch (prng.uint32(g, 0, 6)) {
    case 0: // flip a few bits
      for (let i = prng.uint32(g, 1, 3); i > 0 && b.length; i--) b[prng.uint32(g, 0, b.length - 1)] ^= 1 << prng.uint32(g, 0, 7);
      return b;
    case 1: // truncate
      return b.slice(0, prng.uint32(g, 0, Math.max(0, b.length - 1)));
    case 2: // append garbage
      return new Uint8Array([...b, ...prng.uint8Array(g, prng.uint32(g, 1, 8))]);
    case 3: // overwrite a byte with an extreme value
      if (b.length) b[prng.uint32(g, 0, b.length - 1)] = prng.oneOf(g, [0, 0x7f, 0x80, 0xff]);
      return b;
    case 4: { // duplicate a slice
      const i = prng.uint32(g, 0, b.length);
      const j = prng.uint32(g, i, b.length);
      return new Uint8Array([...b.slice(0, j), ...b.slice(i, j), ...b.slice(j)]);
    }
    case 5: // swap two bytes
      if (b.length > 1) {
        const i = prng.uint32(g, 0, b.length - 1);
        const j = prng.uint32(g, 0, b.length - 1);
        [b[i], b[j]] = [b[j], b[i]];
      }
      return b;
    default: // splice in a huge varint
      return new Uint8Array([...b.slice(0, 2), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, ...b.slice(2)]);
  }
}

function randomJson(g: prng.PRNG, depth = 0): unknown {
  switch (prng.uint32(g, 0, depth > 2 ? 3 : 5)) {
    case 0: return prng.int53(g, -1e15, 1e15);
    case 1: return prng.utf16String(g, 12);
    case 2: return prng.bool(g);
    case 3: return null;
    case 4: return Array.from({ length: prng.uint32(g, 0, 3) }, () => randomJson(g, depth + 1));
    default: return Object.fromEntries(Array.from({ length: prng.uint32(g, 0, 3) }, () => [prng.word(g), randomJson(g, depth + 1)]));
  }
}

/** One generated frame: random, structurally valid with random content, or a mutated real one. */
export function nextFrame(g: prng.PRNG, corpus: { frames: Uint8Array[]; updates: Uint8Array[] }): Uint8Array {
  switch (prng.uint32(g, 0, 8)) {
    case 0:
      return prng.uint8Array(g, prng.uint32(g, 0, 40));
    case 1: { // a known message type with a random payload
      const e = encoding.createEncoder();
      const type = prng.oneOf(g, [0, 0, 1, 2, 3, 100, prng.uint32(g, 4, 300)]);
      encoding.writeVarUint(e, type);
      if (type === 0) encoding.writeVarUint(e, prng.uint32(g, 0, 3));
      encoding.writeVarUint8Array(e, prng.uint8Array(g, prng.uint32(g, 0, 30)));
      return encoding.toUint8Array(e);
    }
    case 2:
    case 3: // a real frame, mutated
      return mutateBytes(g, prng.oneOf(g, corpus.frames));
    case 4:
    case 5: // a valid frame around a mutated Yjs update: framing passes, Yjs must cope
      return encodeMessage({ type: prng.bool(g) ? 'sync-update' : 'sync-step2', update: mutateBytes(g, prng.oneOf(g, corpus.updates)) });
    case 6: // awareness with odd but well-formed entries
      return encodeMessage({
        type: 'awareness',
        update: encodeAwarenessUpdate(
          Array.from({ length: prng.uint32(g, 0, 3) }, () => ({
            clientId: prng.uint32(g, 0, 2 ** 31),
            clock: prng.oneOf(g, [0, 1, prng.uint32(g, 0, 2 ** 31)]),
            state: prng.bool(g) ? null : (Object(randomJson(g)) as Record<string, unknown>),
          })),
        ),
      });
    case 7: // a state vector with random clients and clocks
      {
        const e = encoding.createEncoder();
        const n = prng.uint32(g, 0, 4);
        encoding.writeVarUint(e, n);
        for (let i = 0; i < n; i++) {
          encoding.writeVarUint(e, prng.uint32(g, 0, 2 ** 31));
          encoding.writeVarUint(e, prng.uint53(g, 0, Number.MAX_SAFE_INTEGER));
        }
        return encodeMessage({ type: 'sync-step1', stateVector: encoding.toUint8Array(e) });
      }
    default: // a real frame, replayed as is
      return prng.oneOf(g, corpus.frames);
  }
}
