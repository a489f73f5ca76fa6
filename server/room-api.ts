import type { LivePerson } from '../lib/protocol/live';
import type { Peer } from './peer';
import type { Room } from './room';

// What a room needs from outside and how it is linked to other servers; room.ts is the room itself.

/** Origin of changes that came from another collaboration server (see server/cluster). */
export const REMOTE = Symbol('remote');

/**
 * Origin of changes read back from storage because something outside the collaboration servers
 * stored them (a restored version): passed to clients, neither stored again nor relayed (every
 * server learns of them from storage).
 */
export const STORED = Symbol('stored');

/** The room's side of the link to other servers (Redis); absent when one server runs alone. */
export interface RoomLink {
  /** A local client changed the document: relay it; `write` settles once it is durable. */
  localUpdate(update: Uint8Array, write: Promise<void>): void;
  /** A change from another server took effect here; `update` is exactly what changed. */
  remoteUpdate(update: Uint8Array): void;
  localAwareness(update: Uint8Array): void;
  /**
   * Remote changes whose origin has not yet confirmed them durable. Acknowledging a sync step 2
   * tells the client that all its changes are durable, though the step left out what this
   * server already had, which may be the client's own change relayed by a server that then
   * died before its commit. So the room stores these itself first.
   */
  takeUnconfirmed(): Uint8Array[];
}

/** What a room needs from outside: where durable writes go and whom to tell when they fail. */
export interface RoomDeps {
  /** Resolves once `update` (merging `updates` client updates) is committed to the document's update log. */
  persist(documentId: string, update: Uint8Array, updates?: number): Promise<void>;
  /** Called once when a write failed; the room is unusable afterwards. */
  onFailure(room: Room, error: unknown): void;
  observer?: RoomObserver;
  /** A connection's change was applied (for version history). */
  edited?(room: Room, peer: Peer): void;
}

/** Hooks for metrics; the room does not know where the numbers go. */
export interface RoomObserver {
  /** `count` client updates were applied (together, in one transaction). */
  updateApplied(count: number): void;
  /** Seconds from receiving an update-bearing message to sending its acknowledgement. */
  acked(seconds: number): void;
  /** Who is in the document, one entry per account, after every awareness change. */
  presence?(documentId: string, people: LivePerson[]): void;
}

/**
 * Lifecycle of a room. `open` accepts peers; `unloading` drains writes before the room is
 * dropped; `failed` means a write did not reach disk, so memory may hold more than the log
 * and the room must be discarded and reloaded from storage.
 */
export type RoomPhase = { kind: 'open' } | { kind: 'unloading' } | { kind: 'failed'; error: unknown } | { kind: 'closed' };

