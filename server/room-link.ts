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
