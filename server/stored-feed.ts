import * as Y from 'yjs';
import { encodeMessage } from '../lib/protocol';
import type { StoredChunk } from '../lib/storage';
import type { Peer } from './peer';
import type { Room } from './room';

/** A sync step 1 with the state vector of an empty document, exactly as Yjs encodes it. */
const FRESH_STEP1 = encodeMessage({ type: 'sync-step1', stateVector: Y.encodeStateVector(new Y.Doc()) });
/** Ends the stored state: everything the client lacked came in the updates before it. */
const END_OF_STORED = encodeMessage({ type: 'sync-step2', update: Y.encodeStateAsUpdate(new Y.Doc()) });

/** Whether `frame` is a brand-new client's sync step 1 (its document is empty). */
export function isFreshStep1(frame: Uint8Array): boolean {
  return frame.length === FRESH_STEP1.length && frame.every((b, i) => b === FRESH_STEP1[i]);
}

/**
 * Pages of more rows than this go out merged into one frame, which the client applies in one
 * transaction (a page of a thousand keystrokes). Fewer go out as they are: merging costs the
 * server more than the client's few extra transactions (51 rows of B4's last edits, each a run
 * of 256 keystrokes, took 17-75 ms to merge, most of a cold join's server time).
 */
const MERGE_PAGES_OVER_ROWS = 100;

/** The frames that carry one chunk of stored bytes to a client. */
function framesOf(chunk: StoredChunk): Uint8Array[] {
  const frame = (update: Uint8Array) => encodeMessage({ type: 'sync-update', update });
  if (chunk.kind === 'snapshot') return chunk.updates.map(frame);
  if (chunk.rows.length <= MERGE_PAGES_OVER_ROWS) return chunk.rows.map((r) => frame(r.data));
  return [frame(Y.mergeUpdates(chunk.rows.map((r) => r.data)))];
}

/**
 * Sends now rather than when the task ends: the load may go on applying stored updates for a
 * whole slice before that.
 */
function sendAll(peer: Peer, frames: readonly Uint8Array[]): void {
  for (const f of frames) peer.send(f);
  peer.flush?.();
}

/**
 * Serves brand-new clients of a document that is still loading from the bytes the load reads,
 * instead of making them wait until the Y.Doc is built (which takes far longer than reading).
 *
 * The loader passes every chunk it reads to {@link add}, in order, and calls {@link end} when
 * the read is complete. A client whose sync step 1 carries an empty state vector gets, instead
 * of waiting, every chunk read so far as `update` messages, later chunks as they are read, and
 * an empty `syncStep2` once the read is complete. So it holds exactly what the room is built
 * from, and {@link joinAll} puts it in the room the moment the room is built, before any other
 * connection's frame reaches the room: every later change reaches it as an ordinary relay.
 *
 * The feed keeps what was read for clients that ask later, up to what the loader allows: past
 * that, the loader calls {@link stopRetaining}, new clients take the ordinary path, and the
 * clients already served keep receiving each chunk as it is read.
 */
export class StoredFeed {
  /** Everything read so far, with its frames once someone needed them; null when no longer kept. */
  private read: { chunk: StoredChunk; frames?: Uint8Array[] }[] | null = [];
  private readonly served = new Set<Peer>();
  private complete = false;

  /**
   * Takes `frame` from a connection whose room is loading if this feed answers it (a brand-new
   * client's sync step 1, the first time); false means the frame takes the ordinary path.
   */
  offer(peer: Peer, frame: Uint8Array): boolean {
    if (this.read === null || this.served.has(peer) || !isFreshStep1(frame)) return false;
    this.served.add(peer);
    // The role comes first, as on an ordinary join; the join repeats it (it may change meanwhile).
    if (peer.extensions) peer.send(encodeMessage({ type: 'role', role: peer.role }));
    for (const entry of this.read) sendAll(peer, (entry.frames ??= framesOf(entry.chunk)));
    if (this.complete) sendAll(peer, [END_OF_STORED]);
    return true;
  }

  /** The loader read `chunk` (the next in order). */
  add(chunk: StoredChunk): void {
    const frames = this.served.size > 0 ? framesOf(chunk) : undefined;
    if (frames) for (const p of this.served) sendAll(p, frames);
    this.read?.push({ chunk, frames });
  }

  /** The loader has read everything; it is still building the room. */
  end(): void {
    this.complete = true;
    for (const p of this.served) sendAll(p, [END_OF_STORED]);
  }

  /** The loader no longer keeps what it read; clients that ask from now on wait for the room. */
  stopRetaining(): void {
    this.read = null;
  }

  /** The room is built from exactly what was read: the served clients join it now. */
  joinAll(room: Room): void {
    this.read = null;
    for (const p of this.served) room.join(p);
    this.served.clear();
  }
}
