import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';

/** Client id → clock: the structs below it. */
export type Cut = Map<number, number>;

/**
 * Most structs per snapshot segment. Applying a segment blocks the main thread, longest in a
 * freshly started process whose Yjs code is not optimised yet: there, B4's snapshot took
 * 14-49 ms per 2,000-struct segment and 2-17 ms per 500-struct one (1-3 ms once warm).
 */
export const MAX_SEGMENT_STRUCTS = 500;

/** The document's state vector as a map (a cut below everything it holds). */
export function cutOf(doc: Y.Doc): Cut {
  return Y.decodeStateVector(Y.encodeStateVector(doc));
}

type Struct = Y.Item | Y.GC;

/** Index of the first struct starting at or after `clock`; a struct straddling it counts as before. */
function indexAt(structs: Struct[], clock: number): number {
  if (structs.length === 0 || clock <= structs[0].id.clock) return 0;
  const last = structs[structs.length - 1];
  if (clock >= last.id.clock + last.length) return structs.length;
  const i = Y.findIndexSS(structs, clock);
  return structs[i].id.clock < clock ? i + 1 : i;
}

function structsBelow(doc: Y.Doc, cut: Cut): number {
  let n = 0;
  for (const [client, structs] of doc.store.clients) n += indexAt(structs, cut.get(client) ?? 0);
  return n;
}

/** Picks cuts from `candidates` (in order) so each segment has at most `max` structs where it can. */
function chooseCuts(doc: Y.Doc, candidates: Cut[], max: number): Cut[] {
  const chosen: Cut[] = [];
  let base = 0;
  let prev: { cut: Cut; count: number } | undefined;
  for (const cut of candidates) {
    const count = structsBelow(doc, cut);
    if (count - base > max && prev && prev.count > base) {
      chosen.push(prev.cut);
      base = prev.count;
    }
    prev = { cut, count };
  }
  return chosen;
}

/**
 * Encodes the document's state as several Yjs updates that, applied in order, give the same
 * state as `Y.encodeStateAsUpdate(doc)`, each small enough to apply without blocking the event
 * loop for long. `candidates` are consistent cuts, in increasing order: state vectors taken
 * while the document was built, each after a whole update, so every struct below a cut
 * depends only on structs below it, and each segment integrates at once instead of waiting
 * for later ones. Segment k holds, per client, the structs from where segment k-1 stopped up to
 * cut k. A struct straddling a cut (the document merged consecutive inserts) goes whole into
 * the earlier segment: its part above the cut depends only on its part below. The delete set
 * and anything still pending come last, as one `Y.encodeStateAsUpdate` diff.
 *
 * Reads `doc` without changing it. Callers check the result with `sameState`: this writes the
 * v1 struct format with Yjs' exported encoder and struct `write` methods, not one public call.
 */
export function encodeSegments(doc: Y.Doc, candidates: Cut[], max = MAX_SEGMENT_STRUCTS): Uint8Array[] {
  const end = cutOf(doc);
  const cuts = [...chooseCuts(doc, [...candidates, end], max), end];
  const segments: Uint8Array[] = [];
  const from = new Map<number, number>();
  for (const cut of cuts) {
    const ranges: [client: number, start: number, stop: number][] = [];
    for (const [client, structs] of doc.store.clients) {
      const start = from.get(client) ?? 0;
      const stop = Math.max(start, indexAt(structs, cut.get(client) ?? 0));
      if (stop > start) ranges.push([client, start, stop]);
      from.set(client, stop);
    }
    if (ranges.length === 0) continue;
    // As Yjs writes them: higher client ids first.
    ranges.sort((a, b) => b[0] - a[0]);
    const encoder = new Y.UpdateEncoderV1();
    encoding.writeVarUint(encoder.restEncoder, ranges.length);
    for (const [client, start, stop] of ranges) {
      const structs = doc.store.clients.get(client)!;
      encoding.writeVarUint(encoder.restEncoder, stop - start);
      encoder.writeClient(client);
      encoding.writeVarUint(encoder.restEncoder, structs[start].id.clock);
      for (let i = start; i < stop; i++) structs[i].write(encoder, 0);
    }
    // An empty delete set: deleted items carry their deletion, the last segment the rest.
    encoding.writeVarUint(encoder.restEncoder, 0);
    segments.push(encoder.toUint8Array());
  }
  segments.push(Y.encodeStateAsUpdate(doc, Y.encodeStateVector(doc)));
  return segments;
}

/**
 * True when applying `segments` in order to an empty document gives the same structs, the
 * same deletions and the same pending updates as `doc` holds.
 */
export function sameState(doc: Y.Doc, segments: Uint8Array[]): boolean {
  const copy = new Y.Doc();
  try {
    copy.transact(() => {
      for (const s of segments) Y.applyUpdate(copy, s);
    });
    return (
      Y.equalSnapshots(Y.snapshot(doc), Y.snapshot(copy)) &&
      (doc.store.pendingStructs === null) === (copy.store.pendingStructs === null) &&
      (doc.store.pendingDs === null) === (copy.store.pendingDs === null)
    );
  } catch {
    return false;
  } finally {
    copy.destroy();
  }
}
