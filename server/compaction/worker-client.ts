import type { CompactionOutcome } from './compact';
import { JobWorker } from '../job-worker';
import type { WorkerConfig } from './jobs';

/** Runs compactions somewhere other than the caller's event loop. */
export interface Compactor {
  run(documentId: string): Promise<CompactionOutcome>;
  close(): Promise<void>;
}

/**
 * One worker thread running compactions (see JobWorker: started on first use and again after
 * it dies, alive only while a job runs). The worker is TypeScript, loaded through tsx (see
 * worker-boot.mjs), under Vitest and `node --import tsx` alike.
 */
export class CompactionWorker implements Compactor {
  private readonly jobs: JobWorker<string, CompactionOutcome>;

  constructor(config: WorkerConfig) {
    this.jobs = new JobWorker('compaction worker', new URL('./worker-boot.mjs', import.meta.url), config);
  }

  /** Boots the worker now instead of at the first compaction (see CollabServerOptions.prestartWorkers). */
  start(): Promise<void> {
    return this.jobs.start();
  }

  run(documentId: string): Promise<CompactionOutcome> {
    return this.jobs.run(documentId);
  }

  /**
   * Stops the worker at once, even mid-job: compaction is safe to interrupt anywhere, so
   * shutting down does not wait for it. Pending jobs reject.
   */
  close(): Promise<void> {
    return this.jobs.close();
  }
}
