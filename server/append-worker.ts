import { workerData } from 'node:worker_threads';
import { openRawSqlite } from '../lib/storage/db';
import { SqliteLogAppender } from '../lib/storage/sqlite-append';
import { unpackBatch, type AppendJob } from './append-client';
import { serveJobs } from './job-worker';

/**
 * Entry point of the append worker thread: its own connection to the database file, one batch
 * at a time, each committed (fsync included) off the main thread. Loaded by append-boot.mjs.
 */
const { sqliteFile } = workerData as { sqliteFile: string };
// The main thread migrated the schema before starting us. Opening is synchronous; a failure is
// reported through the ready handshake like any other setup failure.
const setup = new Promise<SqliteLogAppender>((resolve) => resolve(new SqliteLogAppender(openRawSqlite(sqliteFile))));
serveJobs(setup, async (appender, job: AppendJob) => appender.append(unpackBatch(job), job.now));
