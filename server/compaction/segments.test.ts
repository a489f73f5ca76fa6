import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { cutOf, encodeSegments, sameState, type Cut } from './segments';

/** Folds a log the way compaction does, recording a cut every `every` updates. */
function fold(log: Uint8Array[], every: number): { doc: Y.Doc; cuts: Cut[] } {
  const doc = new Y.Doc();
  const cuts: Cut[] = [];
  doc.transact(() => {
    log.forEach((u, i) => {
      Y.applyUpdate(doc, u);
      if ((i + 1) % every === 0) cuts.push(cutOf(doc));
    });
  });
  return { doc, cuts };
}

/** Applies segments one by one, checking that each integrates at once (nothing left pending). */
function applyEach(segments: Uint8Array[]): Y.Doc {
  const doc = new Y.Doc();
  for (const s of segments) {
    Y.applyUpdate(doc, s);
    expect(doc.store.pendingStructs).toBeNull();
  }
  return doc;
}

function structCount(segment: Uint8Array): number {
  return Y.decodeUpdate(segment).structs.length;
}

/** Three people editing rich text at once through a server, which logs updates as they arrive. */
function sharedEditing(rounds: number) {
  const server = new Y.Doc();
  const log: Uint8Array[] = [];
  const clients = [1, 2, 3].map((id) => {
    const doc = new Y.Doc();
    doc.clientID = id * 1000;
    doc.on('update', (u: Uint8Array, origin: unknown) => {
      if (origin === 'server') return;
      Y.applyUpdate(server, u);
      log.push(u);
    });
    return doc;
  });
  let seed = 7;
  const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  for (let r = 0; r < rounds; r++) {
    const c = clients[rnd(3)];
    Y.applyUpdate(c, Y.encodeStateAsUpdate(server, Y.encodeStateVector(c)), 'server');
    const root = c.getXmlFragment('prosemirror');
    const op = rnd(10);
    if (op < 2 || root.length === 0) {
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText('para ' + r)]);
      root.insert(rnd(root.length + 1), [p]);
    } else if (op === 2 && root.length > 3) {
      // Deleting a paragraph turns its children into GC structs.
      root.delete(rnd(root.length), 1);
    } else {
      const p = root.get(rnd(root.length)) as Y.XmlElement;
      const t = p.get(0) as Y.XmlText;
      if (op === 3 && t.length > 2) t.delete(rnd(t.length - 1), 1);
      else if (op === 4) t.format(0, Math.max(1, t.length >> 1), { bold: true });
      else if (op === 5) p.setAttribute('align', ['left', 'right'][rnd(2)]);
      else t.insert(rnd(t.length + 1), String.fromCharCode(97 + rnd(26)).repeat(1 + rnd(3)));
    }
  }
  return { server, log };
}

describe('encodeSegments', () => {
  it('splits one author’s document into bounded segments that apply in order to the same state', () => {
    const src = new Y.Doc();
    const log: Uint8Array[] = [];
    src.on('update', (u: Uint8Array) => log.push(u));
    const text = src.getText('t');
    for (let i = 0; i < 6000; i++) {
      if (i % 4 === 3) text.delete((i * 31) % text.length, 1);
      else text.insert((i * 17) % (text.length + 1), 'x');
    }
    const { doc, cuts } = fold(log, 100);
    const segments = encodeSegments(doc, cuts, 500);
    expect(segments.length).toBeGreaterThan(3);
    for (const s of segments) expect(structCount(s)).toBeLessThanOrEqual(500);
    expect(sameState(doc, segments)).toBe(true);
    expect(applyEach(segments).getText('t').toString()).toBe(text.toString());
    // Cuts fell inside merged items (consecutive inserts), which went whole into one segment.
    expect(doc.store.clients.get(src.clientID)!.length).toBeLessThan(6000);
  });

  it('keeps rich text from several concurrent editors, with deleted subtrees, intact', () => {
    const { server, log } = sharedEditing(3000);
    const { doc, cuts } = fold(log, 40);
    const segments = encodeSegments(doc, cuts, 300);
    expect(segments.length).toBeGreaterThan(3);
    expect(sameState(doc, segments)).toBe(true);
    const restored = applyEach(segments);
    expect(restored.getXmlFragment('prosemirror').toString()).toBe(server.getXmlFragment('prosemirror').toString());
    expect(Y.encodeStateVector(restored)).toEqual(Y.encodeStateVector(server));
    // GC structs were part of it (a deleted paragraph's children), and survived the split.
    expect([...doc.store.clients.values()].flat().some((s) => s instanceof Y.GC)).toBe(true);
  });

  it('keeps updates that still wait for missing dependencies', () => {
    const src = new Y.Doc();
    const log: Uint8Array[] = [];
    src.on('update', (u: Uint8Array) => log.push(u));
    for (let i = 0; i < 50; i++) src.getText('t').insert(i, 'a');
    const missing = log.splice(20, 1)[0];
    const { doc, cuts } = fold(log, 5);
    const segments = encodeSegments(doc, cuts, 4);
    expect(sameState(doc, segments)).toBe(true);
    const restored = new Y.Doc();
    for (const s of segments) Y.applyUpdate(restored, s);
    expect(restored.getText('t').toString()).toBe('a'.repeat(20));
    Y.applyUpdate(restored, missing);
    expect(restored.getText('t').toString()).toBe('a'.repeat(50));
  });

  it('gives one segment of structs and one of deletions without cuts, and only the latter for an empty document', () => {
    const src = new Y.Doc();
    src.getText('t').insert(0, 'hello world');
    src.getText('t').delete(0, 6);
    const segments = encodeSegments(src, []);
    expect(segments).toHaveLength(2);
    expect(applyEach(segments).getText('t').toString()).toBe('world');
    const empty = encodeSegments(new Y.Doc(), []);
    expect(empty).toHaveLength(1);
    expect(applyEach(empty).share.size).toBe(0);
  });

  it('reports a different state', () => {
    const a = new Y.Doc();
    a.getText('t').insert(0, 'abc');
    const b = new Y.Doc();
    b.getText('t').insert(0, 'abc');
    expect(sameState(a, [Y.encodeStateAsUpdate(b)])).toBe(false);
    expect(sameState(a, [Y.encodeStateAsUpdate(a)])).toBe(true);
    expect(sameState(a, [new Uint8Array([1, 2, 3])])).toBe(false);
  });
});
