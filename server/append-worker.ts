import { workerData } from 'node:worker_threads';
import { assertNever } from '../lib/protocol';
import { openRawSqlite, sqliteKysely } from '../lib/storage/db';
import { SqliteLogAppender } from '../lib/storage/sqlite-append';
import { Versions } from '../lib/storage/versions';
import { unpackBatch, type AppendWorkerJob } from './append-client';
import { serveJobs } from './job-worker';

/**
 * Entry point of the append worker thread: its own connection to the database file, one batch
 * (or automatic version, or set of edit marks) at a time, each committed (fsync included) off
 * the main thread. Loaded by append-boot.mjs.
 */
const { sqliteFile } = workerData as { sqliteFile: string };
// The main thread migrated the schema before starting us. Opening is synchronous; a failure is
// reported through the ready handshake like any other setup failure.
const setup = new Promise<{ appender: SqliteLogAppender; versions: Versions }>((resolve) => {
  const raw = openRawSqlite(sqliteFile);
  // Jobs run one at a time, so the two never hold the connection at once. Versions and marks
  // are rare, so they go through the storage's own statements (Versions), not raw ones.
  resolve({ appender: new SqliteLogAppender(raw), versions: new Versions(sqliteKysely(raw)) });
});
serveJobs(setup, async ({ appender, versions }, job: AppendWorkerJob) => {
  switch (job.kind) {
    case 'append':
      return appender.append(unpackBatch(job), job.now);
    case 'version':
      await versions.create(job.version);
      return;
    case 'marks':
      return versions.markEditedMany(job.marks);
    default:
      assertNever(job);
  }
});
