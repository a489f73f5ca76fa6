import * as Y from 'yjs';
import { canEdit } from '../lib/auth/roles';
import { ProtocolError, assertNever, decodeMessage, encodeAwarenessUpdate, encodeMessage, type Message } from '../lib/protocol';
import type { LivePerson } from '../lib/protocol/live';
import type { Role } from '../lib/storage/schema';
import { PeerAcks, type AckHost } from './peer-acks';
import type { Peer } from './peer';
import { REMOTE, STORED, type RoomDeps, type RoomLink, type RoomPhase } from './room-api';
import { RoomAwareness } from './room-awareness';
import { applyAll, applyContinuing, continuesDoc, isEmptyUpdate } from './room-updates';

export type { RoomDeps, RoomObserver, RoomPhase } from './room-api';

/** A connection's state in the room: its acknowledgements and more, one object per connection. */
class PeerState extends PeerAcks {
  toldReadOnly = false;
}

/**
 * One document in memory and the peers editing it. Knows nothing about sockets: peers are
 * {@link Peer}s and frames are bytes. All document writes go through `deps.persist`.
 */
export class Room {
  readonly doc: Y.Doc;
  private readonly presence: RoomAwareness;
  phase: RoomPhase = { kind: 'open' };
  private readonly peers = new Map<Peer, PeerState>();
  /** The most recent write; writes settle in order, so this settling means all have. */
  private lastWrite: Promise<void> = Promise.resolve();
  link: RoomLink | undefined;
  /** Client updates in the transaction being applied (see applyFrom). */
  private runLength = 1;
  /** Shared by the acknowledgements of every peer (see PeerAcks). */
  private readonly ackHost: AckHost;

  constructor(
    readonly documentId: string,
    private readonly deps: RoomDeps,
    stored: Uint8Array[] = [],
  ) {
    // A given guid: Yjs would otherwise make a random UUID from 36 separate 4-byte random reads,
    // 1.3 % of the server's CPU while 10,000 connections opened 1,000 rooms (idle-10k profile).
    this.doc = new Y.Doc({ guid: documentId });
    this.presence = new RoomAwareness(this.doc, {
      relay: (frame, origin) => this.relay(frame, origin),
      link: () => this.link,
      presence: (people) => this.deps.observer?.presence?.(this.documentId, people),
    });
    this.ackHost = {
      sendAck: (peer, count) => peer.send(encodeMessage({ type: 'ack', count })),
      serves: (peer) => this.phase.kind === 'open' && this.peers.has(peer),
      observeAck: deps.observer && ((s) => deps.observer?.acked(s)),
    };
    this.doc.on('update', this.onDocUpdate);
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
    this.peers.set(peer, new PeerState(peer, this.ackHost));
    if (peer.extensions) peer.send(encodeMessage({ type: 'role', role: peer.role }));
    peer.send(encodeMessage({ type: 'sync-step1', stateVector: Y.encodeStateVector(this.doc) }));
    const awareness = this.presence.allFrame();
    if (awareness) peer.send(awareness);
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
    this.presence.release(peer);
  }

  /**
   * Handles the frames of one socket read from `peer`, in order. A run of document updates is
   * applied in one Yjs transaction: one update event, so one relay frame per peer, one log row
   * and one acknowledgement reaction for the run instead of one each per update (a client
   * catching up or pasting sends many at once). Throws {@link ProtocolError} when a frame is
   * malformed, after handling the frames before it; the caller closes that connection, and the
   * room stays consistent for everyone else.
   */
  receiveAll(peer: Peer, frames: readonly Uint8Array[]): void {
    const state = this.peers.get(peer);
    if (!state || this.phase.kind !== 'open') return;
    let run: Uint8Array[] = [];
    for (const frame of frames) {
      let m: Message;
      try {
        m = decodeMessage(frame);
      } catch (e) {
        this.applyRun(peer, state, run);
        throw e;
      }
      if (m.type === 'sync-update') run.push(m.update);
      else {
        run = this.applyRun(peer, state, run);
        this.handle(peer, state, m);
      }
    }
    this.applyRun(peer, state, run);
  }

  /** Handles one frame (see receiveAll). */
  receive(peer: Peer, frame: Uint8Array): void {
    this.receiveAll(peer, [frame]);
  }

  /** Applies updates that arrived together; returns a fresh run. */
  private applyRun(peer: Peer, state: PeerState, updates: Uint8Array[]): Uint8Array[] {
    if (updates.length === 0) return updates;
    const first = state.count(updates.length) - updates.length + 1;
    const t0 = performance.now();
    this.applyFrom(peer, state, updates);
    if (peer.extensions) for (let i = 0; i < updates.length; i++) state.after(this.lastWrite, first + i, t0);
    return [];
  }

  private handle(peer: Peer, state: PeerState, m: Message): void {
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
      case 'sync-update':
        this.applyRun(peer, state, [m.update]);
        return;
      case 'sync-step2': {
        const seq = state.count();
        const t0 = performance.now();
        this.applyFrom(peer, state, [m.update]);
        // A sync step 2 leaves out what this server already has, yet its acknowledgement covers
        // all of the client's changes: vouch for the ones only another server has stored (or not).
        for (const u of this.link?.takeUnconfirmed() ?? []) this.track(u);
        if (peer.extensions) state.after(this.lastWrite, seq, t0);
        return;
      }
      case 'awareness':
        this.presence.claim(peer, m.update);
        return;
      case 'query-awareness':
        peer.send(this.presence.allFrame() ?? encodeMessage({ type: 'awareness', update: encodeAwarenessUpdate([]) }));
        return;
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

  private applyFrom(peer: Peer, state: PeerState, run: readonly Uint8Array[]): void {
    const updates = run.filter((u) => !isEmptyUpdate(u));
    if (updates.length === 0) return;
    if (!canEdit(peer.role)) {
      if (!state.toldReadOnly) {
        state.toldReadOnly = true;
        peer.send(encodeMessage({ type: 'auth-denied', reason: 'read-only: you can view this document but not edit it' }));
      }
      return;
    }
    let dropped: boolean;
    this.runLength = updates.length;
    try {
      dropped = updates.length === 1 && continuesDoc(this.doc, updates[0]) ? this.applyOwnBytes(updates[0], peer) : applyAll(this.doc, updates, peer);
    } catch (e) {
      throw new ProtocolError(`invalid update: ${(e as Error).message}`);
    } finally {
      this.runLength = 1;
    }
    this.deps.observer?.updateApplied(updates.length);
    this.deps.edited?.(this, peer);
    // The sender is closed; its next sync step 2 sends the dropped part with what it depends on.
    if (dropped) throw new ProtocolError('update depends on changes the server does not have; reconnect to resync');
  }

  /**
   * Applies a client's update that continues the document (the common case: one person typing)
   * with the update listener detached, so Yjs does not encode the transaction again, and hands
   * the update's own bytes to relay and storage (see applyContinuing). Detaching is safe here:
   * nothing else writes to the document during the call.
   */
  private applyOwnBytes(update: Uint8Array, peer: Peer): boolean {
    this.doc.off('update', this.onDocUpdate);
    try {
      return applyContinuing(this.doc, update, peer, (change) => this.onDocUpdate(change, peer));
    } finally {
      this.doc.on('update', this.onDocUpdate);
    }
  }

  /**
   * Applies a change relayed by another server: local peers get it, storage does not (its
   * origin stores it). Returns false when it depends on changes this room lacks; that part is
   * dropped and the caller resyncs. Throws on bytes Yjs cannot read.
   */
  applyRemote(update: Uint8Array): boolean {
    if (this.phase.kind !== 'open') return true;
    return !applyAll(this.doc, [update], REMOTE);
  }

  /** Awareness from another server; states of this server's own connections are never overridden from outside. */
  applyRemoteAwareness(update: Uint8Array): void {
    if (this.phase.kind === 'open') this.presence.applyRemote(update);
  }

  /** Applies what storage holds (after a change stored from outside); clients get the difference. */
  applyStoredChange(updates: readonly Uint8Array[]): void {
    if (this.phase.kind !== 'open') return;
    applyAll(this.doc, updates, STORED);
  }

  /** Stores changes that arrived from another server (when this one must vouch for them). */
  persistRemote(updates: readonly Uint8Array[]): void {
    if (this.phase.kind !== 'open') return;
    for (const u of updates) this.track(u);
  }

  /** The awareness states of this server's own connections (for a server that just arrived), or null. */
  localAwareness(): Uint8Array | null {
    return this.presence.local();
  }

  /** What a holder of `stateVector` lacks (all content after it, and every deletion). */
  diffFor(stateVector: Uint8Array): Uint8Array {
    return Y.encodeStateAsUpdate(this.doc, stateVector);
  }

  private track(update: Uint8Array, updates = 1): void {
    const write = this.deps.persist(this.documentId, update, updates);
    // Writes that commit together share a promise (see UpdateWriter.write): watch it once.
    if (write === this.lastWrite) return;
    this.lastWrite = write;
    write.catch((e) => this.fail(e));
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === 'load') return;
    // Relay first: the sockets flush at the end of this turn in the order the turn's work was
    // queued, and the commit posted to the append worker before them would run first, its CPU
    // (on a one-core server) delaying every delivery. Durability is the acknowledgement's
    // business, not the relay's: the sender resends what was never acknowledged.
    this.relay(encodeMessage({ type: 'sync-update', update }), origin);
    if (origin === REMOTE) this.link?.remoteUpdate(update);
    else if (origin !== STORED) {
      this.track(update, this.runLength);
      this.link?.localUpdate(update, this.lastWrite);
    }
  };

  private relay(frame: Uint8Array, origin: unknown): void {
    for (const p of this.peers.keys()) if (p !== origin) p.send(frame);
  }

  /** Everyone present, one entry per account. */
  people(): LivePerson[] {
    return this.presence.people();
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
    this.presence.destroy();
    this.doc.destroy();
  }
}
