import type { StorageTarget } from '../../lib/storage';
import type { CompactOptions, CompactionOutcome } from './compact';

/** What the compaction worker is started with. */
export interface WorkerConfig {
  /** The database; the worker opens its own connection (SQLite's WAL lets both work at once). */
  target: StorageTarget;
  options?: Partial<CompactOptions>;
}

/** Main thread → worker: compact one document. */
export interface JobRequest {
  id: number;
  documentId: string;
}

/** Worker → main thread: how job `id` ended. */
export type JobReply = { id: number; ok: true; outcome: CompactionOutcome } | { id: number; ok: false; error: string };
