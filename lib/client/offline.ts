import { IndexeddbPersistence } from 'y-indexeddb';
import type * as Y from 'yjs';
import type { SaveTracker } from './save-tracker';

/** How long to wait for IndexedDB before connecting without it (it can be unavailable). */
const OPEN_TIMEOUT_MS = 3000;
const UNSAVED = 'unsaved';

export interface OfflineCache {
  /** Whether the cache held changes the server had not acknowledged when it was last open. */
  hadUnsaved: boolean;
  /** Keeps the cache's "unsaved" mark in step with the tracker. */
  follow(tracker: SaveTracker): () => void;
  /** Forgets the cached copy (access lost or document deleted). */
  clear(): Promise<void>;
  destroy(): void;
}

/**
 * Keeps a copy of the document in IndexedDB (y-indexeddb), per account and document, so edits
 * made offline survive closing the tab and reach the server on the next visit. Resolves with
 * null when IndexedDB is unavailable; the editor then works online only.
 */
export async function openOfflineCache(userId: string, documentId: string, doc: Y.Doc): Promise<OfflineCache | null> {
  let idb: IndexeddbPersistence;
  try {
    idb = new IndexeddbPersistence(`tandem:${userId}:${documentId}`, doc);
  } catch {
    return null;
  }
  const ready = await Promise.race([idb.whenSynced.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), OPEN_TIMEOUT_MS))]);
  if (!ready) {
    void idb.destroy();
    return null;
  }
  const hadUnsaved = (await idb.get(UNSAVED).catch(() => 0)) === 1;
  return {
    hadUnsaved,
    follow(tracker) {
      tracker.ignoreOrigin(idb);
      let marked = hadUnsaved;
      return tracker.subscribe(() => {
        if (tracker.pending === marked) return;
        marked = tracker.pending;
        void idb.set(UNSAVED, marked ? 1 : 0).catch(() => {});
      });
    },
    async clear() {
      await idb.clearData();
    },
    destroy() {
      void idb.destroy();
    },
  };
}
