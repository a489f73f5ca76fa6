import { Worker } from 'node:worker_threads';
import type { CompactionOutcome } from './compact';
import type { JobReply, JobRequest, WorkerConfig } from './jobs';

/** Runs compactions somewhere other than the caller's event loop. */
export interface Compactor {
  run(documentId: string): Promise<CompactionOutcome>;
  close(): Promise<void>;
}

interface Pending {
  resolve(o: CompactionOutcome): void;
  reject(e: unknown): void;
}

/**
 * One `worker_threads` worker running compactions, started on first use and again after it
 * dies. The worker is TypeScript, loaded through tsx (see worker-boot.mjs), under Vitest and
 * `node --import tsx` alike. It keeps the process alive only while a job runs.
 */
export class CompactionWorker implements Compactor {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly config: WorkerConfig) {}

  run(documentId: string): Promise<CompactionOutcome> {
    if (this.closed) return Promise.reject(new Error('compaction worker is closed'));
    const worker = this.worker ?? this.spawn();
    const job: JobRequest = { id: this.nextId++, documentId };
    return new Promise<CompactionOutcome>((resolve, reject) => {
      this.pending.set(job.id, { resolve, reject });
      worker.ref();
      worker.postMessage(job);
    });
  }

  /**
   * Stops the worker at once, even mid-job: compaction is safe to interrupt anywhere, so
   * shutting down does not wait for it. Pending jobs reject.
   */
  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = undefined;
    this.failAll(w, new Error('compaction worker closed'));
    if (w) await w.terminate();
  }

  private spawn(): Worker {
    // worker-boot.mjs registers tsx itself (see there); no flags of this process are needed.
    const w = new Worker(new URL('./worker-boot.mjs', import.meta.url), { workerData: this.config, execArgv: [] });
    w.on('message', (reply: JobReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) w.unref();
      if (reply.ok) p.resolve(reply.outcome);
      else p.reject(new Error(reply.error));
    });
    w.on('error', (e) => this.failAll(w, e));
    w.on('exit', (code) => this.failAll(w, new Error(`compaction worker exited with code ${code}`)));
    this.worker = w;
    return w;
  }

  /** The worker died or is being stopped: its jobs will never answer. */
  private failAll(w: Worker | undefined, error: unknown): void {
    if (w === undefined || (this.worker !== undefined && this.worker !== w)) return;
    this.worker = undefined;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
}
