import { workerData } from 'node:worker_threads';
import { openStorage } from '../lib/storage';
import { unpackBatch, type AppendJob } from './append-client';
import { serveJobs } from './job-worker';

/**
 * Entry point of the append worker thread: its own connection to the database file, one batch
 * at a time, each committed (fsync included) off the main thread. Loaded by append-boot.mjs.
 */
const { sqliteFile } = workerData as { sqliteFile: string };
// The main thread migrated the schema before starting us.
serveJobs(openStorage({ sqliteFile, migrate: false }), (storage, job: AppendJob) => storage.updates.append(unpackBatch(job), job.now));
