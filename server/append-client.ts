import { JobWorker } from './job-worker';

/** One batch of updates to commit together. */
export interface AppendJob {
  documentIds: string[];
  data: Uint8Array[];
  now: number;
}

/** What the update writer needs from storage: one durable commit of a batch. */
export interface Appender {
  append(entries: readonly { documentId: string; data: Uint8Array }[], now: number): Promise<void>;
}

/**
 * Commits update batches in a worker thread with its own SQLite connection (WAL lets it write
 * while the main connection reads). A synchronous SQLite commit with `synchronous=FULL` waits
 * for fsync; on the main thread that wait stalled every socket of the process (see
 * docs/BENCHMARKS.md). A batch in flight when the worker dies rejects, and its room reloads.
 */
export class AppendWorker implements Appender {
  private readonly jobs: JobWorker<AppendJob, void>;

  constructor(sqliteFile: string) {
    this.jobs = new JobWorker('append worker', new URL('./append-boot.mjs', import.meta.url), { sqliteFile });
  }

  /** Resolves once the worker's connection is open (the server calls this before it listens). */
  start(): Promise<void> {
    return this.jobs.start();
  }

  append(entries: readonly { documentId: string; data: Uint8Array }[], now: number): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    return this.jobs.run({ documentIds: entries.map((e) => e.documentId), data: entries.map((e) => e.data), now });
  }

  /** Stops the worker; callers drain the writer first, so nothing is in flight. */
  close(): Promise<void> {
    return this.jobs.close();
  }
}
