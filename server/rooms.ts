import type { Logger } from 'pino';
import type { Storage } from '../lib/storage';
import { isForeignKeyViolation } from '../lib/storage';
import { CloseCode, assertNever } from '../lib/protocol';
import type { CompactionScheduler } from './compaction/scheduler';
import type { Peer } from './peer';
import { Room, type RoomObserver } from './room';
import { fillRoom, type LoadedTail } from './room-load';
import { StoredFeed } from './stored-feed';
import type { VersionRecorder } from './versions';
import type { UpdateWriter } from './writer';

/** What the registry tells compaction: each load's tail, and each unload. */
export type TailListener = Pick<CompactionScheduler, 'noteLoaded' | 'noteUnloaded'>;

/**
 * A document's slot in the registry. A document is loading, open or unloading, never two at
 * once, so it loads and unloads at most once at a time.
 */
type Slot =
  | { kind: 'loading'; ready: Promise<Room>; feed: StoredFeed }
  | { kind: 'open'; room: Room; idle?: NodeJS.Timeout }
  | { kind: 'unloading'; done: Promise<void> };

export interface RegistryOptions {
  /** How long an empty room stays loaded before it unloads. */
  unloadDelayMs: number;
  /** Compaction learns each load's tail and each unload. */
  tails: TailListener;
  observer?: RoomObserver;
  /** Other servers' copies of open rooms (Redis); absent when this server runs alone. */
  cluster?: RoomCluster;
  /** Version history: edits, and rooms closing. */
  versions?: Pick<VersionRecorder, 'edited' | 'closing'>;
}

/** What the registry tells the cluster: a room opened, a room is about to go. */
export interface RoomCluster {
  attach(room: Room): Promise<void>;
  detach(room: Room): void;
}

/** Loads rooms on demand, shares them between connections and frees them when empty. */
export class RoomRegistry {
  private readonly slots = new Map<string, Slot>();

  constructor(
    private readonly storage: Storage,
    private readonly writer: UpdateWriter,
    private readonly log: Logger,
    private readonly options: RegistryOptions,
  ) {}

  get openRooms(): number {
    let n = 0;
    for (const s of this.slots.values()) if (s.kind === 'open') n++;
    return n;
  }

  /** The open room of `documentId` if it is loaded; never loads one. */
  openRoom(documentId: string): Room | undefined {
    const slot = this.slots.get(documentId);
    return slot?.kind === 'open' ? slot.room : undefined;
  }

  /** The open room of `documentId`, loading it if needed (once, however many ask). */
  async acquire(documentId: string): Promise<Room> {
    for (;;) {
      const slot = this.slots.get(documentId);
      if (slot === undefined) return this.load(documentId);
      switch (slot.kind) {
        case 'loading':
          return slot.ready;
        case 'open':
          return slot.room;
        case 'unloading':
          await slot.done;
          continue;
        default:
          assertNever(slot);
      }
    }
  }

  /** Adds `peer` to the room of its document, retrying if that room was unloading meanwhile. */
  async join(documentId: string, peer: Peer): Promise<Room> {
    for (;;) {
      const room = await this.acquire(documentId);
      if (room.join(peer)) {
        const slot = this.slots.get(documentId);
        if (slot?.kind === 'open' && slot.idle) {
          clearTimeout(slot.idle);
          slot.idle = undefined;
        }
        return room;
      }
    }
  }

  /**
   * Offers a frame that `peer` sent while its document is loading to the load's StoredFeed;
   * true means the feed answered it and the frame must not reach the room.
   */
  offerStored(documentId: string, peer: Peer, frame: Uint8Array): boolean {
    const slot = this.slots.get(documentId);
    return slot?.kind === 'loading' && slot.feed.offer(peer, frame);
  }

  /** Removes `peer`; the room unloads once its last peer is gone and its writes are durable. */
  leave(room: Room, peer: Peer): void {
    room.leave(peer);
    this.releaseIfEmpty(room);
  }

  releaseIfEmpty(room: Room): void {
    if (room.size > 0 || room.phase.kind !== 'open') return;
    const slot = this.slots.get(room.documentId);
    if (slot?.kind !== 'open' || slot.room !== room || slot.idle) return;
    if (this.options.unloadDelayMs <= 0) return this.unload(room);
    // Keep it a little, for a reload or a flaky network; whoever joins meanwhile cancels this.
    slot.idle = setTimeout(() => {
      slot.idle = undefined;
      if (room.size === 0) this.unload(room);
    }, this.options.unloadDelayMs);
    slot.idle.unref();
  }

  private unload(room: Room): void {
    if (room.phase.kind !== 'open') return;
    // While still open: detaching may store remote changes, and unloading waits for them.
    this.options.cluster?.detach(room);
    this.options.versions?.closing(room);
    room.phase = { kind: 'unloading' };
    const done = room
      .durable()
      .catch(() => {})
      .then(() => {
        room.destroy();
        if (this.slots.get(room.documentId)?.kind === 'unloading') this.slots.delete(room.documentId);
        this.options.tails.noteUnloaded(room.documentId);
      });
    this.slots.set(room.documentId, { kind: 'unloading', done });
  }

  /** Resolves once the room of `documentId` has finished unloading (at once if none is unloading). */
  async unloaded(documentId: string): Promise<void> {
    const slot = this.slots.get(documentId);
    if (slot?.kind === 'unloading') await slot.done;
  }

  /** Closes every open room's connections with `code` and waits for all writes. */
  async closeAll(code: number, reason: string): Promise<void> {
    for (const slot of [...this.slots.values()]) {
      if (slot.kind !== 'open') continue;
      if (slot.idle) clearTimeout(slot.idle);
      slot.idle = undefined;
      slot.room.closeAll(code, reason);
      this.unload(slot.room);
    }
    await Promise.all([...this.slots.values()].map((s) => (s.kind === 'unloading' ? s.done : undefined)));
    await this.writer.drain();
  }

  /** Brings an open room up to what storage holds (a change was stored from outside). */
  async refresh(documentId: string): Promise<void> {
    const slot = this.slots.get(documentId);
    const room = slot?.kind === 'open' ? slot.room : slot?.kind === 'loading' ? await slot.ready.catch(() => undefined) : undefined;
    if (!room) return;
    room.applyStoredChange(await this.storage.updates.load(documentId));
  }

  /** Closes the connections of one document (e.g. it was deleted) and drops its room. */
  closeDocument(documentId: string, code: number, reason: string): void {
    const slot = this.slots.get(documentId);
    if (slot?.kind === 'open') slot.room.closeAll(code, reason);
  }

  private load(documentId: string): Promise<Room> {
    const feed = new StoredFeed();
    const ready = this.read(documentId, feed);
    this.slots.set(documentId, { kind: 'loading', ready, feed });
    ready.then(
      (room) => {
        this.slots.set(documentId, { kind: 'open', room });
        this.options.cluster?.attach(room).catch((err) => this.log.warn({ err, doc: documentId }, 'could not follow the document on redis'));
      },
      () => this.slots.delete(documentId),
    );
    return ready;
  }

  /**
   * Builds the room from its snapshot and the log after it, yielding to the event loop between
   * slices (see room-load.ts). Nobody can reach the room until this resolves, so no peer sees a
   * partial document; only the clients `feed` served saw its bytes, and they join it first.
   */
  private async read(documentId: string, feed: StoredFeed): Promise<Room> {
    const room = new Room(documentId, {
      persist: (id, update, updates) => this.writer.write(id, update, updates),
      onFailure: (r, error) => this.onFailure(r, error),
      observer: this.options.observer,
      edited: (r, peer) => this.options.versions?.edited(r, peer.identity.userId),
    });
    let tail: LoadedTail;
    try {
      tail = await fillRoom(room, this.storage.updates.read(documentId), feed);
    } catch (e) {
      room.destroy();
      throw e;
    }
    // Before anyone else's frame reaches the room: the clients the feed served hold exactly this state.
    feed.joinAll(room);
    this.options.tails.noteLoaded(documentId, tail);
    return room;
  }

  /**
   * A write did not reach disk: memory now holds more than the log, so the room is dropped and
   * its clients reconnect to a fresh load (and resend what was never acknowledged).
   */
  private onFailure(room: Room, error: unknown): void {
    const deleted = isForeignKeyViolation(error);
    if (deleted) this.log.info({ doc: room.documentId }, 'document deleted while open; closing its connections');
    else this.log.error({ doc: room.documentId, err: error }, 'update log write failed; dropping room');
    const slot = this.slots.get(room.documentId);
    if (slot?.kind === 'open' && slot.room === room) this.slots.delete(room.documentId);
    this.options.cluster?.detach(room);
    room.closeAll(deleted ? CloseCode.NotFound : CloseCode.InternalError, deleted ? 'document deleted' : 'storage failure; reconnect');
    room.destroy();
    // Nothing to compact for a deleted document or in the middle of storage trouble.
    this.options.tails.noteUnloaded(room.documentId, false);
  }
}
