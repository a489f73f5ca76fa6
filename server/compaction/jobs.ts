import type { StorageTarget } from '../../lib/storage';
import type { CompactOptions } from './compact';

/** What the compaction worker is started with. */
export interface WorkerConfig {
  /** The database; the worker opens its own connection (SQLite's WAL lets both work at once). */
  target: StorageTarget;
  options?: Partial<CompactOptions>;
}
