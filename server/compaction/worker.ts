import { parentPort, workerData } from 'node:worker_threads';
import { openStorage } from '../../lib/storage';
import { compactDocument } from './compact';
import type { JobReply, JobRequest, WorkerConfig } from './jobs';

/**
 * Entry point of the compaction worker thread: its own database connection, one job at a
 * time, every outcome (including failure) reported back. Loaded by worker-boot.mjs in the
 * thread CompactionWorker starts.
 */
const config = workerData as WorkerConfig;
const port = parentPort!;
// The main thread migrated the schema before starting us; a second migrator would only race it.
const storage = openStorage({ target: config.target, migrate: false });
// A failure to open is reported by every job that awaits it, not as an unhandled rejection.
storage.catch(() => {});
let queue: Promise<void> = Promise.resolve();

async function handle(job: JobRequest): Promise<void> {
  let reply: JobReply;
  try {
    reply = { id: job.id, ok: true, outcome: await compactDocument(await storage, job.documentId, config.options) };
  } catch (e) {
    reply = { id: job.id, ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  port.postMessage(reply);
}

port.on('message', (job: JobRequest) => {
  queue = queue.then(() => handle(job));
});
