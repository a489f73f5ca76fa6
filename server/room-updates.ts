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
