import type { Role } from '../lib/storage/schema';

/** Who is behind a connection, as established at the upgrade; never taken from the client. */
export interface Identity {
  userId: string;
  name: string;
  color: string;
}

/**
 * What a room sees of a connection. The room never touches a socket: an adapter (see
 * `ws-adapter.ts`) implements this over `ws`, tests implement it in memory.
 */
export interface Peer {
  /** Connection id, for logs. */
  readonly id: string;
  readonly identity: Identity;
  /** The account's role on the document; rechecked by the server when access changes. */
  role: Role;
  /** Whether the client opted in to Tandem's extensions, acknowledgements and role notices (`?tandem=1`). */
  readonly extensions: boolean;
  send(frame: Uint8Array): void;
  /**
   * Hands what was sent during this event-loop turn to the network now instead of at the end of
   * the turn, for a reply that must not wait behind other work queued for the turn's end.
   */
  flush?(): void;
  close(code: number, reason: string): void;
}
