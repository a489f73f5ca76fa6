import { setTimeout as sleep } from 'node:timers/promises';
import * as Y from 'yjs';
import { isForeignKeyViolation, type Storage } from '../../lib/storage';
import { MAX_SEGMENT_STRUCTS, cutOf, encodeSegments, sameState, type Cut } from './segments';

export interface CompactOptions {
  /** Rows read per query while collecting the tail. */
  pageRows: number;
  /** Rows deleted per write transaction: small, so each holds the write lock for a few ms. */
  deleteChunkRows: number;
  /**
   * Pause between delete transactions. The main thread's better-sqlite3 writes wait for the
   * lock synchronously (blocking its event loop), so they must find it free between chunks.
   */
  deletePauseMs: number;
  /** Most structs per snapshot segment (see `encodeSegments`). */
  segmentStructs: number;
}

export const DEFAULT_COMPACT_OPTIONS: CompactOptions = { pageRows: 5000, deleteChunkRows: 1000, deletePauseMs: 10, segmentStructs: MAX_SEGMENT_STRUCTS };

/** Rows between candidate segment boundaries recorded during the fold. */
const CUT_EVERY_ROWS = 256;

/** What one compaction did. Only `compacted` changed the stored document's representation. */
export type CompactionOutcome =
  | {
      kind: 'compacted';
      /** The new snapshot covers every row with `id <= uptoId`. */
      uptoId: number;
      rowsFolded: number;
      bytesFolded: number;
      snapshotBytes: number;
      /** Updates the snapshot is stored as (see `encodeSegments`). */
      segments: number;
      /** The segments did not reproduce the document, so it was stored as one update. */
      unsegmented: boolean;
      rowsDeleted: number;
      /** Time to apply the snapshot and rows to a Y.Doc, encode the result and check it. */
      foldMs: number;
      /**
       * Longest single write (the snapshot or one delete chunk), in ms, as the worker sees it:
       * includes waiting for the write lock and any WAL checkpoint its commit ran.
       */
      maxWriteMs: number;
      totalMs: number;
    }
  /** No rows after the snapshot; covered rows a crash left behind were still deleted. */
  | { kind: 'nothing-to-do'; rowsDeleted: number }
  /** Another compaction saved a snapshot first; nothing was written or deleted. */
  | { kind: 'conflict' }
  /** Another server is compacting the document (or no lock could be taken); nothing was done. */
  | { kind: 'elsewhere' }
  /** The document was deleted. */
  | { kind: 'gone' };

/**
 * Folds the document's snapshot and the rows after it, up to the highest id at the start,
 * into a new snapshot, then deletes the folded rows. Safe to stop at any point: rows are
 * deleted only after the snapshot covering them is committed (and `deleteUpTo` refuses
 * anything else), and rows appended meanwhile have higher ids, so they stay in the tail.
 *
 * Runs in the compaction worker thread: the fold blocks for as long as it takes.
 */
export async function compactDocument(storage: Storage, documentId: string, options: Partial<CompactOptions> = {}): Promise<CompactionOutcome> {
  const o = { ...DEFAULT_COMPACT_OPTIONS, ...options };
  const start = performance.now();
  const base = await storage.snapshots.get(documentId);
  const basedOn = base?.uptoId ?? null;
  const uptoId = await storage.updates.lastId(documentId);
  if (uptoId <= (basedOn ?? 0)) {
    return { kind: 'nothing-to-do', rowsDeleted: basedOn === null ? 0 : (await deleteFolded(storage, documentId, basedOn, o)).rows };
  }

  const rows: Uint8Array[] = [];
  let bytesFolded = 0;
  for (let after = basedOn ?? 0; ; ) {
    const page = await storage.updates.page(documentId, after, o.pageRows, uptoId);
    for (const r of page) {
      rows.push(r.data);
      bytesFolded += r.data.length;
    }
    if (page.length < o.pageRows) break;
    after = page[page.length - 1].id;
  }

  // Apply each update to a fresh document in one transaction: linear in the number of
  // updates, where Y.mergeUpdates over hundreds of thousands of them does not finish. The
  // state vector between updates is a consistent cut, a place the snapshot may be split.
  const foldStart = performance.now();
  const doc = new Y.Doc();
  const cuts: Cut[] = [];
  doc.transact(() => {
    for (const u of base?.updates ?? []) {
      Y.applyUpdate(doc, u);
      cuts.push(cutOf(doc));
    }
    rows.forEach((u, i) => {
      Y.applyUpdate(doc, u);
      if ((i + 1) % CUT_EVERY_ROWS === 0) cuts.push(cutOf(doc));
    });
  });
  let updates = encodeSegments(doc, cuts, o.segmentStructs);
  // Should the segments ever not reproduce the document, store it whole: slower to load, never
  // wrong. (Both forms include updates still waiting for missing dependencies.)
  const unsegmented = !sameState(doc, updates);
  if (unsegmented) updates = [Y.encodeStateAsUpdate(doc)];
  doc.destroy();
  const foldMs = performance.now() - foldStart;

  let saved: boolean;
  const saveStart = performance.now();
  try {
    saved = await storage.snapshots.save({ documentId, updates, uptoId, basedOn, now: Date.now() });
  } catch (e) {
    if (isForeignKeyViolation(e)) return { kind: 'gone' };
    throw e;
  }
  if (!saved) return { kind: 'conflict' };
  const saveMs = performance.now() - saveStart;
  const deleted = await deleteFolded(storage, documentId, uptoId, o);
  return {
    kind: 'compacted',
    uptoId,
    rowsFolded: rows.length,
    bytesFolded,
    snapshotBytes: updates.reduce((n, u) => n + u.length, 0),
    segments: updates.length,
    unsegmented,
    rowsDeleted: deleted.rows,
    foldMs,
    maxWriteMs: Math.max(saveMs, deleted.maxMs),
    totalMs: performance.now() - start,
  };
}

/** Deletes the rows up to `uptoId` (all covered by the committed snapshot) in short transactions. */
async function deleteFolded(storage: Storage, documentId: string, uptoId: number, o: CompactOptions): Promise<{ rows: number; maxMs: number }> {
  let rows = 0;
  let maxMs = 0;
  for (;;) {
    const t = performance.now();
    const n = await storage.updates.deleteUpTo(documentId, uptoId, o.deleteChunkRows);
    maxMs = Math.max(maxMs, performance.now() - t);
    rows += n;
    if (n < o.deleteChunkRows) return { rows, maxMs };
    await sleep(o.deletePauseMs);
  }
}
