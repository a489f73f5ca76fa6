import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { canEdit } from '../lib/auth/roles';
import {
  ProtocolError,
  assertNever,
  decodeAwarenessUpdate,
  decodeMessage,
  encodeAwarenessUpdate,
  encodeMessage,
  type AwarenessEntry,
} from '../lib/protocol';
import type { LivePerson } from '../lib/protocol/live';
import { peopleIn } from './presence';
import type { Role } from '../lib/storage/schema';
import { AwarenessOwners } from './awareness-owners';
import { PeerAcks } from './peer-acks';
import type { Identity, Peer } from './peer';
import { REMOTE, STORED, type RoomDeps, type RoomLink, type RoomPhase } from './room-api';

export type { RoomDeps, RoomObserver, RoomPhase } from './room-api';

interface PeerState {
  acks: PeerAcks;
  toldReadOnly: boolean;
}

/** The `user` field the server puts into every awareness state of a connection. */
export function awarenessUser(identity: Identity) {
  return { id: identity.userId, name: identity.name, color: identity.color };
}

/** Yjs encodes "nothing" as two zero varints (no struct clients, no delete-set clients). */
function isEmptyUpdate(update: Uint8Array): boolean {
  return update.length === 2 && update[0] === 0 && update[1] === 0;
}

/**
 * One document in memory and the peers editing it. Knows nothing about sockets: peers are
 * {@link Peer}s and frames are bytes. All document writes go through `deps.persist`.
 */
export class Room {
  readonly doc = new Y.Doc();
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  phase: RoomPhase = { kind: 'open' };
  private readonly peers = new Map<Peer, PeerState>();
  private readonly owners = new AwarenessOwners();
  /** The most recent write; writes settle in order, so this settling means all have. */
  private lastWrite: Promise<void> = Promise.resolve();
  link: RoomLink | undefined;

  constructor(
    readonly documentId: string,
    private readonly deps: RoomDeps,
    stored: Uint8Array[] = [],
  ) {
    this.awareness.setLocalState(null);
    this.doc.on('update', this.onDocUpdate);
    this.awareness.on('update', this.onAwarenessUpdate);
    this.applyStored(stored);
  }

  /**
   * Applies stored updates (a snapshot or part of the log) while the room is being loaded, in
   * one transaction with origin 'load', so nothing is persisted or relayed again. The update
   * listener is detached meanwhile: with a listener attached, Yjs encodes every transaction as
   * an update event, which doubles the cost of applying a large snapshot only for
   * `onDocUpdate` to drop it.
   */
  applyStored(updates: readonly Uint8Array[]): void {
    this.doc.off('update', this.onDocUpdate);
    try {
      this.doc.transact(() => {
        for (const u of updates) Y.applyUpdate(this.doc, u, 'load');
      }, 'load');
    } finally {
      if (this.phase.kind === 'open') this.doc.on('update', this.onDocUpdate);
    }
  }

  get size(): number {
    return this.peers.size;
  }

  /** Resolves when every change applied so far is on disk; rejects if a write failed. */
  durable(): Promise<void> {
    return this.lastWrite;
  }

  /** Adds a peer (once) and starts the sync handshake. Returns false if the room no longer takes peers. */
  join(peer: Peer): boolean {
    if (this.phase.kind !== 'open') return false;
    if (this.peers.has(peer)) return true; // joined when the load finished (see stored-feed.ts)
    const acks = new PeerAcks(
      (count) => peer.send(encodeMessage({ type: 'ack', count })),
      () => this.phase.kind === 'open' && this.peers.has(peer),
      this.deps.observer && ((s) => this.deps.observer?.acked(s)),
    );
    this.peers.set(peer, { acks, toldReadOnly: false });
    if (peer.extensions) peer.send(encodeMessage({ type: 'role', role: peer.role }));
    peer.send(encodeMessage({ type: 'sync-step1', stateVector: Y.encodeStateVector(this.doc) }));
    const states = this.awareness.getStates();
    if (states.size > 0) {
      const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...states.keys()]);
      peer.send(encodeMessage({ type: 'awareness', update }));
    }
    return true;
  }

  /**
   * Applies a new role to a connection at once: from the next message on, its updates are
   * applied or refused accordingly, and a client that opted in is told.
   */
  setRole(peer: Peer, role: Role): void {
    peer.role = role;
    const state = this.peers.get(peer);
    if (!state) return;
    state.toldReadOnly = false;
    if (peer.extensions) peer.send(encodeMessage({ type: 'role', role }));
  }

  /** Removes a peer and its awareness states. */
  leave(peer: Peer): void {
    const state = this.peers.get(peer);
    if (!state) return;
    this.peers.delete(peer);
    const ids = this.owners.release(peer);
    awarenessProtocol.removeAwarenessStates(this.awareness, ids, peer);
  }

  /**
   * Handles one frame from `peer`. Throws {@link ProtocolError} when the frame is malformed;
   * the caller closes that connection, and the room stays consistent for everyone else.
   */
  receive(peer: Peer, frame: Uint8Array): void {
    const state = this.peers.get(peer);
    if (!state || this.phase.kind !== 'open') return;
    const m = decodeMessage(frame);
    switch (m.type) {
      case 'sync-step1': {
        let update: Uint8Array;
        try {
          update = Y.encodeStateAsUpdate(this.doc, m.stateVector);
        } catch (e) {
          throw new ProtocolError(`invalid state vector: ${(e as Error).message}`);
        }
        peer.send(encodeMessage({ type: 'sync-step2', update }));
        return;
      }
      case 'sync-step2':
      case 'sync-update': {
        const seq = state.acks.count();
        const t0 = performance.now();
        this.applyFrom(peer, state, m.update);
        // A sync step 2 leaves out what this server already has, yet its acknowledgement covers
        // all of the client's changes: vouch for the ones only another server has stored (or not).
        if (m.type === 'sync-step2') for (const u of this.link?.takeUnconfirmed() ?? []) this.track(u);
        if (peer.extensions) state.acks.after(this.lastWrite, seq, t0);
        return;
      }
      case 'awareness':
        this.applyAwareness(peer, decodeAwarenessUpdate(m.update));
        return;
      case 'query-awareness': {
        const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...this.awareness.getStates().keys()]);
        peer.send(encodeMessage({ type: 'awareness', update }));
        return;
      }
      case 'auth-denied':
      case 'ack':
      case 'role':
      case 'ticket':
      case 'title':
        throw new ProtocolError(`clients may not send ${m.type} messages`);
      default:
        assertNever(m);
    }
  }

  private applyFrom(peer: Peer, state: PeerState, update: Uint8Array): void {
    if (isEmptyUpdate(update)) return;
    if (!canEdit(peer.role)) {
      if (!state.toldReadOnly) {
        state.toldReadOnly = true;
        peer.send(encodeMessage({ type: 'auth-denied', reason: 'read-only: you can view this document but not edit it' }));
      }
      return;
    }
    try {
      Y.applyUpdate(this.doc, update, peer);
    } catch (e) {
      this.dropPending();
      throw new ProtocolError(`invalid update: ${(e as Error).message}`);
    }
    this.deps.observer?.updateApplied();
    this.deps.edited?.(this, peer);
    if (this.dropPending()) throw new ProtocolError('update depends on changes the server does not have; reconnect to resync');
  }

  /**
   * Discards the part of an update Yjs could not integrate because it depends on changes the
   * server does not have. Yjs would keep it and retry it on every later update, so garbage
   * could pile up and slow the room for everyone. The sender is closed (see callers); its next
   * sync step 2 sends the dropped part again with what it depends on. What did integrate was
   * stored and relayed as usual. Returns whether anything was dropped.
   */
  private dropPending(): boolean {
    const store = this.doc.store;
    const had = store.pendingStructs !== null || store.pendingDs !== null;
    store.pendingStructs = null;
    store.pendingDs = null;
    return had;
  }

  /**
   * Applies a change relayed by another server: local peers get it, storage does not (its
   * origin stores it). Returns false when it depends on changes this room lacks; that part is
   * dropped and the caller resyncs. Throws on bytes Yjs cannot read.
   */
  applyRemote(update: Uint8Array): boolean {
    if (this.phase.kind !== 'open') return true;
    try {
      Y.applyUpdate(this.doc, update, REMOTE);
    } catch (e) {
      this.dropPending();
      throw e;
    }
    return !this.dropPending();
  }

  /** Awareness from another server; states of this server's own connections are never overridden from outside. */
  applyRemoteAwareness(update: Uint8Array): void {
    if (this.phase.kind !== 'open') return;
    const kept = this.owners.admitRemote(decodeAwarenessUpdate(update));
    if (kept.length > 0) awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwarenessUpdate(kept), REMOTE);
  }

  /** Applies what storage holds (after a change stored from outside); clients get the difference. */
  applyStoredChange(updates: readonly Uint8Array[]): void {
    if (this.phase.kind !== 'open') return;
    this.doc.transact(() => {
      for (const u of updates) Y.applyUpdate(this.doc, u, STORED);
    }, STORED);
    this.dropPending();
  }

  /** Stores changes that arrived from another server (when this one must vouch for them). */
  persistRemote(updates: readonly Uint8Array[]): void {
    if (this.phase.kind !== 'open') return;
    for (const u of updates) this.track(u);
  }

  /** The awareness states of this server's own connections (for a server that just arrived), or null. */
  localAwareness(): Uint8Array | null {
    const states = this.awareness.getStates();
    const ids = this.owners.localIds().filter((id) => states.has(id));
    return ids.length > 0 ? awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids) : null;
  }

  /** What a holder of `stateVector` lacks (all content after it, and every deletion). */
  diffFor(stateVector: Uint8Array): Uint8Array {
    return Y.encodeStateAsUpdate(this.doc, stateVector);
  }

  /** Applies what `peer` may say about awareness, with `user` stamped from its account. */
  private applyAwareness(peer: Peer, entries: AwarenessEntry[]): void {
    const user = awarenessUser(peer.identity);
    const kept = this.owners.claim(peer, entries).map((e) => (e.state === null ? e : { ...e, state: { ...e.state, user } }));
    if (kept.length > 0) awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwarenessUpdate(kept), peer);
  }

  private track(update: Uint8Array): void {
    const write = this.deps.persist(this.documentId, update);
    // Writes that commit together share a promise (see UpdateWriter.write): watch it once.
    if (write === this.lastWrite) return;
    this.lastWrite = write;
    write.catch((e) => this.fail(e));
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === 'load') return;
    if (origin === REMOTE) this.link?.remoteUpdate(update);
    else if (origin !== STORED) {
      this.track(update);
      this.link?.localUpdate(update, this.lastWrite);
    }
    const frame = encodeMessage({ type: 'sync-update', update });
    for (const p of this.peers.keys()) if (p !== origin) p.send(frame);
  };

  private readonly onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    const changed = added.concat(updated, removed);
    const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed);
    if (origin !== REMOTE) this.link?.localAwareness(update);
    const frame = encodeMessage({ type: 'awareness', update });
    for (const p of this.peers.keys()) if (p !== origin) p.send(frame);
    this.deps.observer?.presence?.(this.documentId, this.people());
  };

  /** Everyone present, one entry per account. */
  people(): LivePerson[] {
    return peopleIn(this.awareness.getStates());
  }

  /** Tells every connection that opted in to Tandem's extensions the document's new title. */
  announceTitle(title: string): void {
    const frame = encodeMessage({ type: 'title', title });
    for (const p of this.peers.keys()) if (p.extensions) p.send(frame);
  }

  private fail(error: unknown): void {
    if (this.phase.kind === 'failed' || this.phase.kind === 'closed') return;
    this.phase = { kind: 'failed', error };
    this.deps.onFailure(this, error);
  }

  /** Closes every peer's connection (used on failure, deletion and shutdown). */
  closeAll(code: number, reason: string): void {
    for (const p of [...this.peers.keys()]) {
      this.leave(p);
      p.close(code, reason);
    }
  }

  destroy(): void {
    this.phase = { kind: 'closed' };
    this.link = undefined;
    this.doc.off('update', this.onDocUpdate);
    this.awareness.off('update', this.onAwarenessUpdate);
    this.awareness.destroy();
    this.doc.destroy();
  }
}
