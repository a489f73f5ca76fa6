import type { Appender } from './append-client';

interface Pending {
  documentId: string;
  data: Uint8Array;
  resolve(): void;
  reject(e: unknown): void;
}

export interface WriterOptions {
  /** Most updates per commit. */
  maxBatch?: number;
  /**
   * Told about every committed batch, after its writes resolved (the compaction scheduler
   * counts tails with it). Must be cheap and must not throw.
   */
  onCommitted?: (entries: readonly { documentId: string; data: Uint8Array }[]) => void;
}

/**
 * Appends updates to the update log with group commit: whatever arrives while a commit is in
 * flight goes into the next one, so many clients and documents share each fsync. Commits run
 * one at a time, so promises resolve in the order `write` was called.
 */
export class UpdateWriter {
  private queue: Pending[] = [];
  private running = false;
  private idle: Promise<void> = Promise.resolve();
  private markIdle: () => void = () => {};
  private readonly maxBatch: number;
  private readonly onCommitted: NonNullable<WriterOptions['onCommitted']>;

  /** `storage` is the Storage itself or anything with `updates.append` (the append worker). */
  constructor(
    private readonly storage: { updates: Appender },
    options: WriterOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 1000;
    this.onCommitted = options.onCommitted ?? (() => {});
  }

  /** Resolves once `data` is committed to disk; rejects if the commit failed. */
  write(documentId: string, data: Uint8Array): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ documentId, data, resolve, reject });
      if (!this.running) this.start();
    });
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
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      let committed = false;
      try {
        await this.storage.updates.append(batch, Date.now());
        committed = true;
      } catch (e) {
        await this.isolate(batch, e);
      }
      if (committed) this.committed(batch);
    }
    this.running = false;
    this.markIdle();
  }

  /**
   * A failed batch is retried one document at a time, so one bad document (deleted while
   * open, say) does not fail the writes of the others that shared its commit.
   */
  private async isolate(batch: Pending[], first: unknown): Promise<void> {
    const byDoc = new Map<string, Pending[]>();
    for (const p of batch) byDoc.set(p.documentId, [...(byDoc.get(p.documentId) ?? []), p]);
    if (byDoc.size === 1) {
      for (const p of batch) p.reject(first);
      return;
    }
    for (const group of byDoc.values()) {
      let committed = false;
      try {
        await this.storage.updates.append(group, Date.now());
        committed = true;
      } catch (e) {
        for (const p of group) p.reject(e);
      }
      if (committed) this.committed(group);
    }
  }

  /**
   * Resolves the writes of a committed batch, then tells the listener. Outside the commit's
   * try block on purpose: a throwing listener must never look like a failed commit, which
   * would fail (and retry) writes that are already on disk.
   */
  private committed(batch: Pending[]): void {
    for (const p of batch) p.resolve();
    try {
      this.onCommitted(batch);
    } catch {
      // The listener only schedules compaction; the writes are durable and acknowledged regardless.
    }
  }
}
