import type { Logger } from 'pino';
import * as Y from 'yjs';
import type { EditMark, NewVersion, Storage } from '../lib/storage';
import type { Room } from './room';

export interface VersionPolicy {
  /** At most one automatic version per document per this long. */
  intervalMs: number;
  /** A burst of editing has ended after this long without an edit. */
  quietMs: number;
}

interface Tracked {
  room: Room;
  dirty: boolean;
  lastEditAt: number;
  /** Per account: when it last edited, and the time last written to edit_marks. */
  editors: Map<string, { at: number; written: number }>;
}

/** Edit marks are written at most this often per account and document (and always before a version). */
const MARK_EVERY_MS = 30_000;
/**
 * Marks due are written together, after the commit of the edits they record and before those
 * are acknowledged (or after this long, at the latest). A write each was a commit (and an
 * fsync, with SQLite on the event loop) each: when a thousand documents started being edited
 * at once, that stalled every connection for over a second (rooms-1000 p99 1.8 s; 0.5-0.8 s
 * without marks).
 */
const MARK_GATHER_MS = 1000;

/** Where automatic versions and edit marks are written. */
export interface VersionStore {
  saveVersion(version: NewVersion): Promise<unknown>;
  mark(marks: readonly EditMark[]): Promise<void>;
}

/**
 * Records versions automatically: once a burst of editing ends (no edit for `quietMs`), if the
 * document's newest version is at least `intervalMs` old; and when the last person leaves.
 * Also marks who edited when, which versions list as their editors. With several servers each
 * records for its own rooms, and the interval (read from storage) keeps them from doubling up.
 */
export class VersionRecorder {
  private readonly docs = new Map<string, Tracked>();
  private readonly timer: NodeJS.Timeout;
  private ticking = false;
  private readonly saving = new Set<Promise<void>>();
  /** Marks due and not yet written, by document and account. */
  private marks = new Map<string, EditMark>();
  private marksTimer: NodeJS.Timeout | undefined;
  /** The latest write of gathered marks; writes run one after another. */
  private marksWritten: Promise<void> = Promise.resolve();

  /**
   * `store` saves automatic versions and edit marks; by default on the storage's own
   * connection. With SQLite the server passes the append worker, so their commits wait off the
   * event loop.
   */
  constructor(
    private readonly storage: Storage,
    private readonly log: Logger,
    private readonly policy: VersionPolicy,
    private readonly store: VersionStore = { saveVersion: (v) => storage.versions.create(v), mark: (m) => storage.versions.markEditedMany(m) },
  ) {
    this.timer = setInterval(() => void this.tick(), Math.min(policy.quietMs, 5000));
    this.timer.unref();
  }

  edited(room: Room, userId: string): void {
    const now = Date.now();
    let t = this.docs.get(room.documentId);
    if (!t || t.room !== room) this.docs.set(room.documentId, (t = { room, dirty: false, lastEditAt: now, editors: new Map() }));
    t.dirty = true;
    t.lastEditAt = now;
    const e = t.editors.get(userId) ?? { at: now, written: 0 };
    e.at = now;
    t.editors.set(userId, e);
    if (now - e.written >= MARK_EVERY_MS) this.queueMark(room.documentId, userId, e);
  }

  /** The room is unloading (its last person left): record what changed since the last version. */
  closing(room: Room): void {
    const t = this.docs.get(room.documentId);
    if (!t || t.room !== room) return;
    this.docs.delete(room.documentId);
    if (!t.dirty) return;
    // Encoded now: the room's document is gone once it has unloaded.
    const data = Y.encodeStateAsUpdate(room.doc);
    const p = room
      .durable()
      .then(() => this.save(t, data))
      .catch((err) => this.log.warn({ err, doc: room.documentId }, 'could not record a version on close'))
      .finally(() => this.saving.delete(p));
    this.saving.add(p);
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const now = Date.now();
      for (const t of [...this.docs.values()]) {
        if (!t.dirty || now - t.lastEditAt < this.policy.quietMs || t.room.phase.kind !== 'open') continue;
        const latest = await this.storage.versions.latestAt(t.room.documentId);
        if (latest !== undefined && now - latest < this.policy.intervalMs) continue;
        await t.room.durable();
        await this.save(t, Y.encodeStateAsUpdate(t.room.doc));
      }
    } catch (err) {
      this.log.warn({ err }, 'automatic version failed');
    } finally {
      this.ticking = false;
    }
  }

  private async save(t: Tracked, data: Uint8Array): Promise<void> {
    t.dirty = false;
    for (const [userId, e] of t.editors) if (e.written < e.at) this.queueMark(t.room.documentId, userId, e);
    t.editors.clear();
    // The version names the accounts marked since the previous one: its marks are written first.
    await this.writeMarks();
    await this.store.saveVersion({ documentId: t.room.documentId, kind: 'auto', name: null, data, createdBy: null, now: Date.now() });
  }

  private queueMark(documentId: string, userId: string, e: { at: number; written: number }): void {
    e.written = e.at;
    this.marks.set(`${documentId}\0${userId}`, { documentId, userId, at: e.at });
    this.marksTimer ??= setTimeout(() => void this.writeMarks(), MARK_GATHER_MS).unref();
  }

  /**
   * Writes the gathered marks; resolves once they (and any write before them) are done. Also
   * called after every commit of updates, before their acknowledgements (see server/app.ts).
   */
  writeMarks(): Promise<void> {
    // Nothing gathered (after almost every commit): no timer to clear, nothing to allocate.
    if (this.marks.size === 0) return this.marksWritten;
    clearTimeout(this.marksTimer);
    this.marksTimer = undefined;
    const marks = [...this.marks.values()];
    this.marks = new Map();
    this.marksWritten = this.marksWritten.then(() =>
      this.store.mark(marks).catch((err) => this.log.warn({ err, marks: marks.length }, 'could not mark edits')),
    );
    return this.marksWritten;
  }

  /** Stops recording; resolves once versions of rooms that closed are saved. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([...this.saving]);
    await this.writeMarks();
  }
}
