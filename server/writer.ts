import type { Appender } from './append-client';

interface Entry {
  documentId: string;
  data: Uint8Array;
  /** Client updates merged into `data` (a run applied in one transaction); counts toward compaction. */
  updates: number;
}

/** The writes of one document in one batch: they commit together, so they share one promise. */
interface Group {
  promise: Promise<void>;
  resolve(): void;
  reject(e: unknown): void;
}

/** Writes that will be committed together (at most `maxBatch`). */
interface Batch {
  entries: Entry[];
  groups: Map<string, Group>;
}

function newGroup(): Group {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

export interface WriterOptions {
  /** Most updates per commit. */
  maxBatch?: number;
  /**
   * Told about every committed batch, after its writes resolved (the compaction scheduler
   * counts tails with it). Must be cheap and must not throw.
   */
  onCommitted?: (entries: readonly { documentId: string; data: Uint8Array; updates: number }[]) => void;
  /**
   * Awaited after a batch committed and before its writes resolve (and acknowledgements go
   * out): the edit marks gathered meanwhile are written there, so what an acknowledged edit
   * implies is stored too. Must not reject.
   */
  beforeResolve?: () => Promise<void>;
}

/**
 * Appends updates to the update log with group commit: whatever arrives while a commit is in
 * flight goes into the next one, so many clients and documents share each fsync. Commits run
 * one at a time, so promises resolve in the order `write` was called.
 */
export class UpdateWriter {
  /** Batches not yet taken by a commit; new writes join the last one until it is full. */
  private batches: Batch[] = [];
  private running = false;
  private idle: Promise<void> = Promise.resolve();
  private markIdle: () => void = () => {};
  private readonly maxBatch: number;
  private readonly onCommitted: NonNullable<WriterOptions['onCommitted']>;
  private readonly beforeResolve: WriterOptions['beforeResolve'];

  /** `storage` is the Storage itself or anything with `updates.append` (the append worker). */
  constructor(
    private readonly storage: { updates: Appender },
    options: WriterOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 1000;
    this.onCommitted = options.onCommitted ?? (() => {});
    this.beforeResolve = options.beforeResolve;
  }

  /**
   * Resolves once `data` is committed to disk; rejects if the commit failed. Writes of one
   * document that commit together get the same promise (a promise per write was much of the
   * allocation per update under load), so callers may see a promise again.
   */
  write(documentId: string, data: Uint8Array, updates = 1): Promise<void> {
    let batch = this.batches[this.batches.length - 1];
    if (!batch || batch.entries.length >= this.maxBatch) {
      batch = { entries: [], groups: new Map() };
      this.batches.push(batch);
    }
    batch.entries.push({ documentId, data, updates });
    let group = batch.groups.get(documentId);
    if (!group) {
      group = newGroup();
      batch.groups.set(documentId, group);
    }
    if (!this.running) this.start();
    return group.promise;
  }

  /** Resolves when every write issued so far has settled. */
  drain(): Promise<void> {
    return this.running ? this.idle : Promise.resolve();
  }

  private start(): void {
    this.running = true;
    this.idle = new Promise((r) => (this.markIdle = r));
    // Start on the next turn so writes issued in the same tick join the first batch.
    setImmediate(() => void this.loop());
  }

  private async loop(): Promise<void> {
    for (let batch = this.batches.shift(); batch; batch = this.batches.shift()) {
      let committed = false;
      try {
        await this.storage.updates.append(batch.entries, Date.now());
        committed = true;
      } catch (e) {
        await this.isolate(batch, e);
      }
      if (committed) await this.committed(batch.entries, [...batch.groups.values()]);
    }
    this.running = false;
    this.markIdle();
  }

  /**
   * A failed batch is retried one document at a time, so one bad document (deleted while
   * open, say) does not fail the writes of the others that shared its commit.
   */
  private async isolate(batch: Batch, first: unknown): Promise<void> {
    if (batch.groups.size === 1) {
      for (const g of batch.groups.values()) g.reject(first);
      return;
    }
    for (const [documentId, group] of batch.groups) {
      const entries = batch.entries.filter((e) => e.documentId === documentId);
      let committed = false;
      try {
        await this.storage.updates.append(entries, Date.now());
        committed = true;
      } catch (e) {
        group.reject(e);
      }
      if (committed) await this.committed(entries, [group]);
    }
  }

  /**
   * Resolves the writes of a committed batch, then tells the listener. Outside the commit's
   * try block on purpose: a throwing listener must never look like a failed commit, which
   * would fail (and retry) writes that are already on disk.
   */
  private async committed(entries: Entry[], groups: Group[]): Promise<void> {
    if (this.beforeResolve) await this.beforeResolve().catch(() => undefined);
    for (const g of groups) g.resolve();
    try {
      this.onCommitted(entries);
    } catch {
      // The listener only schedules compaction; the writes are durable and acknowledged regardless.
    }
  }
}
