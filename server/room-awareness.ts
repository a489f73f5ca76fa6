import type * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { decodeAwarenessUpdate, encodeAwarenessUpdate, encodeMessage } from '../lib/protocol';
import type { LivePerson } from '../lib/protocol/live';
import { AwarenessOwners } from './awareness-owners';
import type { Identity, Peer } from './peer';
import { peopleIn } from './presence';
import { REMOTE, type RoomLink } from './room-api';

/** The `user` field the server puts into every awareness state of a connection. */
export function awarenessUser(identity: Identity) {
  return { id: identity.userId, name: identity.name, color: identity.color };
}

/** What the awareness of a room needs from the room. */
export interface AwarenessHost {
  /** Sends `frame` to every peer but `origin`. */
  relay(frame: Uint8Array, origin: unknown): void;
  /** The link to other servers, if any. */
  link(): RoomLink | undefined;
  /** Everyone present changed. */
  presence(people: LivePerson[]): void;
}

/**
 * A room's awareness (cursors, selections, names): which connection may speak for which Yjs
 * client ids, the account stamped on every state it sends, and relays to peers and to other
 * servers. Separate from the document so the room's update path stays readable.
 */
export class RoomAwareness {
  readonly awareness: awarenessProtocol.Awareness;
  private readonly owners = new AwarenessOwners();

  constructor(
    doc: Y.Doc,
    private readonly host: AwarenessHost,
  ) {
    this.awareness = new awarenessProtocol.Awareness(doc);
    this.awareness.setLocalState(null);
    this.awareness.on('update', this.onUpdate);
  }

  /** Every state, as one awareness frame (for a peer that joins or asks), or null when there are none. */
  allFrame(): Uint8Array | null {
    const ids = [...this.awareness.getStates().keys()];
    if (ids.length === 0) return null;
    return encodeMessage({ type: 'awareness', update: awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids) });
  }

  /** Applies what `peer` may say about awareness, with `user` stamped from its account. */
  claim(peer: Peer, update: Uint8Array): void {
    const user = awarenessUser(peer.identity);
    const kept = this.owners.claim(peer, decodeAwarenessUpdate(update)).map((e) => (e.state === null ? e : { ...e, state: { ...e.state, user } }));
    if (kept.length > 0) awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwarenessUpdate(kept), peer);
  }

  /** Removes the states of a peer that left. */
  release(peer: Peer): void {
    awarenessProtocol.removeAwarenessStates(this.awareness, this.owners.release(peer), peer);
  }

  /** Awareness from another server; states of this server's own connections are never overridden from outside. */
  applyRemote(update: Uint8Array): void {
    const kept = this.owners.admitRemote(decodeAwarenessUpdate(update));
    if (kept.length > 0) awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwarenessUpdate(kept), REMOTE);
  }

  /** The states of this server's own connections (for a server that just arrived), or null. */
  local(): Uint8Array | null {
    const states = this.awareness.getStates();
    const ids = this.owners.localIds().filter((id) => states.has(id));
    return ids.length > 0 ? awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids) : null;
  }

  /** Everyone present, one entry per account. */
  people(): LivePerson[] {
    return peopleIn(this.awareness.getStates());
  }

  destroy(): void {
    this.awareness.off('update', this.onUpdate);
    this.awareness.destroy();
  }

  private readonly onUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, added.concat(updated, removed));
    if (origin !== REMOTE) this.host.link()?.localAwareness(update);
    this.host.relay(encodeMessage({ type: 'awareness', update }), origin);
    this.host.presence(this.people());
  };
}
