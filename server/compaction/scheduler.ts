import type { Logger } from 'pino';
import { assertNever } from '../../lib/protocol';
import type { CompactionOutcome } from './compact';
import type { Compactor } from './worker-client';

/** Counters for metrics; read them from {@link CompactionScheduler.stats}. */
export interface CompactionStats {
  /** Compactions that saved a snapshot. */
  compactions: number;
  /** Compactions that threw or whose worker died (logged); their rows stay in the log. */
  failures: number;
  /** Update-log rows folded into snapshots, in total. */
  rowsFolded: number;
  /** Size of the most recent snapshot saved, in bytes. */
  lastSnapshotBytes: number;
  /** Duration of the most recent successful compaction in the worker, in ms (reads, fold, writes). */
  lastDurationMs: number;
  /** Of which folding the updates into the snapshot, in ms. */
  lastFoldMs: number;
  /** Longest single write of the most recent compaction, in ms (lock waits included). */
  lastMaxWriteMs: number;
  /** Documents waiting for a compaction. */
  queued: number;
  /** Compactions in progress (0 or 1). */
  running: number;
}

/**
 * Rows and bytes a document has in its log after its snapshot, as far as this process knows.
 * A trigger, not an invariant: it only decides when to compact, never what is stored.
 */
interface Tail {
  count: number;
  bytes: number;
  /** Bytes of the snapshot the tail follows, when known (0 otherwise). */
  snapshotBytes?: number;
}

/**
 * A compaction rewrites the whole snapshot, so a tail must also have reached this fraction of
 * the snapshot's size before it is folded: a big document is then not rewritten every
 * `afterUpdates` edits (the B4 paper's 311 KB snapshot was rewritten every 1,000 keystrokes,
 * and those rewrites took a third of the server's CPU during a fast replay), while what a load
 * applies beyond the snapshot stays proportionate to it. Rewrites per byte appended stay
 * below 1 / TAIL_TO_SNAPSHOT.
 */
export const TAIL_TO_SNAPSHOT = 0.25;

export interface SchedulerOptions {
  /** Compact once a tail has this many rows... */
  afterUpdates: number;
  /** ...or this many bytes. */
  afterBytes: number;
  compactor: Compactor;
  log: Logger;
}

/**
 * Decides when to compact which document and runs one compaction at a time, off the event
 * loop, through a {@link Compactor}. The writer reports every commit and the registry every
 * load and unload, so the main thread learns of tail growth with a few additions per commit.
 * Never throws and never touches acknowledgements: a failed compaction is logged, and the log
 * it would have shortened stays complete.
 */
export class CompactionScheduler {
  private readonly tails = new Map<string, Tail>();
  private readonly queue = new Set<string>();
  /** Documents asked for again while their compaction was running. */
  private readonly again = new Set<string>();
  private running: string | undefined;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];
  private readonly counters = { compactions: 0, failures: 0, rowsFolded: 0, lastSnapshotBytes: 0, lastDurationMs: 0, lastFoldMs: 0, lastMaxWriteMs: 0 };

  constructor(private readonly o: SchedulerOptions) {}

  get stats(): CompactionStats {
    return { ...this.counters, queued: this.queue.size, running: this.running === undefined ? 0 : 1 };
  }

  /** A room loaded: `tail` is what the log holds after the snapshot. */
  noteLoaded(documentId: string, tail: Tail): void {
    if (this.stopped) return;
    this.tails.set(documentId, { count: tail.count, bytes: tail.bytes, snapshotBytes: tail.snapshotBytes });
    this.checkThreshold(documentId);
  }

  /** Updates were committed to the log. Called by the writer after every commit. */
  noteAppended(entries: readonly { documentId: string; data: Uint8Array; updates?: number }[]): void {
    if (this.stopped) return;
    const touched = new Set<string>();
    for (const e of entries) {
      let t = this.tails.get(e.documentId);
      if (!t) this.tails.set(e.documentId, (t = { count: 0, bytes: 0 }));
      // A row may merge many client updates (applied together); what a load replays is those.
      t.count += e.updates ?? 1;
      t.bytes += e.data.length;
      touched.add(e.documentId);
    }
    for (const id of touched) this.checkThreshold(id);
  }

  /**
   * A room was dropped. With `compact`, a tail of at least a tenth of a threshold is compacted
   * now, while nobody edits, so the next load reads a snapshot instead of many rows. The tail
   * is forgotten either way; the next load measures it again.
   */
  noteUnloaded(documentId: string, compact = true): void {
    const t = this.tails.get(documentId);
    this.tails.delete(documentId);
    if (!compact || !t) return;
    if (t.count * 10 >= this.o.afterUpdates || t.bytes * 10 >= this.o.afterBytes) this.request(documentId);
  }

  /** Compacts the document soon, whatever its tail. */
  request(documentId: string): void {
    if (this.stopped) return;
    if (this.running === documentId) this.again.add(documentId);
    else this.queue.add(documentId);
    this.pump();
  }

  /** Resolves when no compaction is queued or running. */
  idle(): Promise<void> {
    if (this.running === undefined && this.queue.size === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** Stops scheduling and stops the compactor (a running compaction is abandoned safely). */
  async close(): Promise<void> {
    this.stopped = true;
    this.queue.clear();
    this.again.clear();
    await this.o.compactor.close();
    this.wakeIdle();
  }

  private checkThreshold(documentId: string): void {
    const t = this.tails.get(documentId);
    // While it runs, the tail still counts the rows being folded; the check after it finishes decides.
    if (!t || this.running === documentId) return;
    const due = t.count >= this.o.afterUpdates || t.bytes >= this.o.afterBytes;
    if (due && t.bytes >= (t.snapshotBytes ?? 0) * TAIL_TO_SNAPSHOT) this.request(documentId);
  }

  private pump(): void {
    if (this.running !== undefined) return;
    const next = this.queue.values().next();
    if (this.stopped || next.done) {
      this.wakeIdle();
      return;
    }
    const documentId = next.value;
    this.queue.delete(documentId);
    this.running = documentId;
    const tail = this.tails.get(documentId);
    // The tail as counted now: what the compaction folds (it reads the log after this).
    const atStart = tail && { count: tail.count, bytes: tail.bytes };
    const start = performance.now();
    this.o.compactor
      .run(documentId)
      .then(
        (outcome) => this.finished(documentId, tail, atStart, outcome, performance.now() - start),
        (err) => this.failed(documentId, err),
      )
      .catch((err) => this.o.log.error({ err, doc: documentId }, 'compaction bookkeeping failed'))
      .finally(() => {
        this.running = undefined;
        if (this.again.delete(documentId)) this.queue.add(documentId);
        else this.checkThreshold(documentId);
        this.pump();
      });
  }

  /**
   * `tail` is the counter the job started with (a reload since then replaced it) and `atStart`
   * its values then. The count drops by what it was at the start, not by the rows folded: a row
   * may stand for many client updates (see noteAppended).
   */
  private finished(documentId: string, tail: Tail | undefined, atStart: Tail | undefined, outcome: CompactionOutcome, ms: number): void {
    const current = this.tails.get(documentId);
    switch (outcome.kind) {
      case 'compacted':
        this.counters.compactions += 1;
        this.counters.rowsFolded += outcome.rowsFolded;
        this.counters.lastSnapshotBytes = outcome.snapshotBytes;
        this.counters.lastDurationMs = outcome.totalMs;
        this.counters.lastFoldMs = outcome.foldMs;
        this.counters.lastMaxWriteMs = outcome.maxWriteMs;
        if (current && current === tail && atStart) {
          current.count = Math.max(0, current.count - atStart.count);
          current.bytes = Math.max(0, current.bytes - outcome.bytesFolded);
          current.snapshotBytes = outcome.snapshotBytes;
        }
        this.o.log.info(
          {
            doc: documentId,
            rows: outcome.rowsFolded,
            deleted: outcome.rowsDeleted,
            snapshotBytes: outcome.snapshotBytes,
            segments: outcome.segments,
            foldMs: Math.round(outcome.foldMs),
            maxWriteMs: Math.round(outcome.maxWriteMs),
            ms: Math.round(outcome.totalMs),
            // Includes waiting for the worker to start.
            wallMs: Math.round(ms),
          },
          'compacted document',
        );
        if (outcome.unsegmented) this.o.log.warn({ doc: documentId }, 'snapshot segments did not check out; stored it as one update, which loads in one piece');
        return;
      case 'nothing-to-do':
        // The counter overstated the tail (e.g. rows folded by a compaction before a reload).
        if (current) current.count = current.bytes = 0;
        return;
      case 'conflict':
        // Another compaction folded these rows; count afresh rather than retry at once.
        if (current) current.count = current.bytes = 0;
        this.o.log.info({ doc: documentId }, 'compaction skipped: another snapshot was saved first');
        return;
      case 'elsewhere':
        // That server folds what we appended too; count afresh.
        if (current) current.count = current.bytes = 0;
        this.o.log.debug({ doc: documentId }, 'compaction skipped: another server holds the lock');
        return;
      case 'gone':
        this.tails.delete(documentId);
        return;
      default:
        assertNever(outcome);
    }
  }

  private failed(documentId: string, err: unknown): void {
    if (this.stopped) return;
    this.counters.failures += 1;
    // Start counting again, so a persistent failure is retried once per threshold of new writes
    // rather than after every commit.
    const t = this.tails.get(documentId);
    if (t) t.count = t.bytes = 0;
    this.o.log.error({ err, doc: documentId }, 'compaction failed; the update log is kept as is');
  }

  private wakeIdle(): void {
    if (this.running !== undefined || (this.queue.size > 0 && !this.stopped)) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
