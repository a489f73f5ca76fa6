import { workerData } from 'node:worker_threads';
import { openStorage } from '../../lib/storage';
import { serveJobs } from '../job-worker';
import { compactDocument } from './compact';
import type { WorkerConfig } from './jobs';

/**
 * Entry point of the compaction worker thread: its own database connection, one job (a
 * document id) at a time, every outcome (including failure) reported back. Loaded by
 * worker-boot.mjs in the thread CompactionWorker starts.
 */
const config = workerData as WorkerConfig;
// The main thread migrated the schema before starting us; a second migrator would only race it.
// A failure to open is reported by every job that awaits it.
serveJobs(openStorage({ target: config.target, migrate: false }), (storage, documentId: string) => compactDocument(storage, documentId, config.options));
