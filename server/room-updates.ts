import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';

/**
 * How a room applies updates to its Y.Doc, whoever they come from (a client, another server,
 * storage): in one transaction, without keeping what cannot be integrated.
 */

/** Yjs encodes "nothing" as two zero varints (no struct clients, no delete-set clients). */
export function isEmptyUpdate(update: Uint8Array): boolean {
  return update.length === 2 && update[0] === 0 && update[1] === 0;
}

/**
 * Discards the part of an update Yjs could not integrate because it depends on changes the
 * document does not have. Yjs would keep it and retry it on every later update, so garbage
 * could pile up and slow the room for everyone. Callers close or resync the sender; a client's
 * next sync step 2 sends the dropped part again with what it depends on. What did integrate
 * is stored and relayed as usual. Returns whether anything was dropped.
 */
export function dropPending(doc: Y.Doc): boolean {
  const store = doc.store;
  const had = store.pendingStructs !== null || store.pendingDs !== null;
  store.pendingStructs = null;
  store.pendingDs = null;
  return had;
}

/**
 * Applies `updates` in one transaction with `origin` (one update event, so one relay frame and
 * one log row for all of them). Nested applies join the transaction: what integrated before
 * a bad update is still stored and relayed when it ends (Yjs cleans up in a finally). Throws
 * what Yjs throws on unreadable bytes; returns whether a part was dropped (see dropPending).
 */
export function applyAll(doc: Y.Doc, updates: readonly Uint8Array[], origin: unknown): boolean {
  try {
    doc.transact(() => {
      for (const u of updates) Y.applyUpdate(doc, u, origin);
    }, origin);
  } catch (e) {
    dropPending(doc);
    throw e;
  }
  return dropPending(doc);
}

/**
 * Whether `update` (Yjs v1) carries the structs of exactly one client, starting at the clock
 * `doc` has reached for that client: then integrating it adds exactly its structs, none of
 * which the document already had. Reads the first four varints; the structs themselves are
 * not decoded. False for anything else, including bytes that end before that.
 */
export function continuesDoc(doc: Y.Doc, update: Uint8Array): boolean {
  try {
    const d = decoding.createDecoder(update);
    if (decoding.readVarUint(d) !== 1 || decoding.readVarUint(d) < 1) return false;
    const client = decoding.readVarUint(d);
    return decoding.readVarUint(d) === Y.getState(doc.store, client);
  } catch {
    return false;
  }
}

/** What one transaction changed, as an update, or null if it changed nothing. */
function changeOf(doc: Y.Doc, tr: Y.Transaction, whole: Uint8Array | null): Uint8Array | null {
  let changed = tr.deleteSet.clients.size > 0;
  if (!changed) for (const [client, clock] of tr.afterState) if (tr.beforeState.get(client) !== clock) changed = true;
  if (!changed) return null;
  // Everything after the state before, with the document's whole delete set: a superset of what
  // this transaction deleted. Only when part of the update could not be used as it is.
  return whole ?? Y.encodeStateAsUpdate(doc, Y.encodeStateVector(tr.beforeState));
}

/**
 * Applies one update that {@link continuesDoc}, on a document with no update listener, and
 * returns the change to relay and store: the update's own bytes when all of it integrated
 * (Yjs would re-encode the same structs and deletions; skipping that encoding is most of
 * what an update event costs), otherwise what did integrate. `onChange` also runs when Yjs
 * throws part-way, before the error propagates, so what integrated is never kept only in
 * memory. Returns whether a part was dropped (see dropPending).
 */
export function applyContinuing(doc: Y.Doc, update: Uint8Array, origin: unknown, onChange: (change: Uint8Array) => void): boolean {
  let tr: Y.Transaction | undefined;
  try {
    doc.transact((t) => {
      tr = t;
      Y.applyUpdate(doc, update, origin);
    }, origin);
  } catch (e) {
    dropPending(doc);
    const partial = tr && changeOf(doc, tr, null);
    if (partial) onChange(partial);
    throw e;
  }
  const dropped = dropPending(doc);
  // A view into a socket read would keep the whole read alive until its commit.
  const own = update.byteLength === update.buffer.byteLength ? update : update.slice();
  const change = changeOf(doc, tr!, dropped ? null : own);
  if (change) onChange(change);
  return dropped;
}
