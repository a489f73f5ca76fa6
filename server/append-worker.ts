import { parentPort, workerData } from 'node:worker_threads';
import { openStorage } from '../lib/storage';
import type { AppendReply, AppendRequest } from './append-client';

/**
 * Entry point of the append worker thread: its own connection to the database file, one
 * batch at a time, each committed (fsync included) off the main thread. Loaded by
 * append-boot.mjs in the thread AppendWorker starts.
 */
const { sqliteFile } = workerData as { sqliteFile: string };
const port = parentPort!;
// The main thread migrated the schema before starting us.
const storage = openStorage({ sqliteFile, migrate: false });
storage.then(
  () => port.postMessage({ ready: true }),
  (e) => port.postMessage({ ready: false, message: e instanceof Error ? e.message : String(e) }),
);
let queue: Promise<void> = Promise.resolve();

async function handle(req: AppendRequest): Promise<void> {
  let reply: AppendReply;
  try {
    const entries = req.documentIds.map((documentId, i) => ({ documentId, data: req.data[i] }));
    await (await storage).updates.append(entries, req.now);
    reply = { id: req.id, ok: true };
  } catch (e) {
    const err = e as { message?: string; code?: string };
    reply = { id: req.id, ok: false, message: err?.message ?? String(e), code: err?.code };
  }
  port.postMessage(reply);
}

port.on('message', (req: AppendRequest) => {
  queue = queue.then(() => handle(req));
});
