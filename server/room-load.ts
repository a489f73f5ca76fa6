import { setImmediate as nextTurn } from 'node:timers/promises';
import type { StoredChunk } from '../lib/storage';
import type { Room } from './room';
import type { StoredFeed } from './stored-feed';

/**
 * Loading applies stored updates this many at a time, and gives the event loop a turn once a
 * run of them has taken LOAD_SLICE_MS, so a document with a huge log never stalls other rooms.
 */
const LOAD_APPLY_ROWS = 200;
const LOAD_SLICE_MS = 5;

/**
 * Loading reads up to this much ahead of applying, so that new clients can be served from the
 * stored bytes long before the room is built (reading B4's snapshot takes a few ms, applying
 * it most of a second). Past it, reading and applying take turns and little is held at once.
 */
const READ_AHEAD_BYTES = 8 * 1024 * 1024;
/**
 * Below this much read ahead, a load applies it at once instead of first giving the event loop
 * a turn: about 2 ms of applying at most (a load of B4's 311 KB snapshot takes about 35 ms).
 */
export const YIELD_BEFORE_APPLY_BYTES = 16 * 1024;
/** What a row read costs in memory beyond its bytes (its Buffer and row object), roughly. */
const ROW_OVERHEAD_BYTES = 200;

/** The update-log rows a load applied after the last snapshot (they steer compaction). */
export interface LoadedTail {
  count: number;
  bytes: number;
  /** Bytes of the snapshot the tail follows (0 without one). */
  snapshotBytes: number;
}

function heldBytes(chunk: StoredChunk): number {
  let n = 0;
  if (chunk.kind === 'snapshot') for (const u of chunk.updates) n += u.length;
  else for (const r of chunk.rows) n += r.data.length + ROW_OVERHEAD_BYTES;
  return n;
}

/**
 * Applies a document's stored chunks (`Updates.read`) to a new room in slices, yielding to the
 * event loop between them, and hands each chunk to `feed` as soon as it is read. `sliceMs`
 * is for tests that must tell the turn before applying from a slice that ran long.
 */
export async function fillRoom(room: Room, chunks: AsyncIterable<StoredChunk>, feed: StoredFeed, sliceMs = LOAD_SLICE_MS): Promise<LoadedTail> {
  const tail: LoadedTail = { count: 0, bytes: 0, snapshotBytes: 0 };
  let sliceStart = performance.now();
  const breathe = async () => {
    if (performance.now() - sliceStart < sliceMs) return;
    await nextTurn();
    sliceStart = performance.now();
  };
  const apply = async (chunk: StoredChunk) => {
    if (chunk.kind === 'snapshot') {
      tail.snapshotBytes = 0;
      for (const segment of chunk.updates) {
        room.applyStored([segment]);
        tail.snapshotBytes += segment.length;
        await breathe();
      }
      // A snapshot after rows means a compaction ran during the load and folded (most of)
      // them; the count only steers compaction, so starting it again is good enough.
      tail.count = tail.bytes = 0;
      return;
    }
    for (let i = 0; i < chunk.rows.length; i += LOAD_APPLY_ROWS) {
      const rows = chunk.rows.slice(i, i + LOAD_APPLY_ROWS);
      room.applyStored(rows.map((r) => r.data));
      tail.count += rows.length;
      for (const r of rows) tail.bytes += r.data.length;
      await breathe();
    }
  };
  let ahead: StoredChunk[] = [];
  let aheadBytes = 0;
  for await (const chunk of chunks) {
    feed.add(chunk);
    ahead.push(chunk);
    aheadBytes += heldBytes(chunk);
    if (aheadBytes > READ_AHEAD_BYTES) {
      feed.stopRetaining();
      for (const c of ahead) await apply(c);
      ahead = [];
      aheadBytes = 0;
    }
    await breathe();
  }
  feed.end();
  // One turn for the I/O that came in during the read: a brand-new client's sync step 1 is
  // then answered now, not after the first slices of applying. Only when there is much to
  // apply: a turn of a busy event loop takes tens of ms (63 ms at the median for an empty
  // document, in a burst of 1,000 connections), far longer than applying a small document.
  if (aheadBytes >= YIELD_BEFORE_APPLY_BYTES) await nextTurn();
  sliceStart = performance.now();
  for (const c of ahead) await apply(c);
  return tail;
}
