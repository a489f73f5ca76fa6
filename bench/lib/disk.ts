import fs from 'node:fs';
import path from 'node:path';
import { openRawSqlite } from '../../lib/storage/db';
import { percentile, round3 } from './stats';

/** What one commit costs on this machine's disk, with the server's own SQLite settings. */
export interface DiskFigures {
  /** A one-row commit (a fan-out edit), p50 / p99, in ms. */
  commit_p50_ms: number;
  commit_p99_ms: number;
  /** A 256-row commit (one window of the ingest client's updates in flight), p50 / p99, in ms. */
  window_commit_p50_ms: number;
  window_commit_p99_ms: number;
}

/** Rows per commit in the "window" measurement: the ingest load keeps this many updates in flight. */
export const WINDOW_ROWS = 256;

/**
 * Times `commits` immediate transactions of one row and of {@link WINDOW_ROWS} rows in a fresh
 * SQLite file under `dir`, opened as the collaboration server opens it (WAL, synchronous=FULL),
 * with nothing else running. A durable acknowledgement cannot come sooner than its commit, and
 * with one commit in flight at a time an update may wait for the one before its own; so this
 * is the floor under ingest-b4's acknowledgement latency on this machine, and the report
 * prints it next to that figure.
 */
export function measureDisk(dir: string, commits = 400): DiskFigures {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'disk-probe.sqlite');
  const db = openRawSqlite(file);
  try {
    db.exec('create table probe (id integer primary key, data blob not null)');
    const insert = db.prepare('insert into probe (data) values (?)');
    const row = new Uint8Array(40);
    const commit = db.transaction((n: number) => {
      for (let i = 0; i < n; i++) insert.run(row);
    });
    const time = (n: number) => {
      const ms: number[] = [];
      for (let i = 0; i < commits; i++) {
        const t = performance.now();
        commit.immediate(n);
        ms.push(performance.now() - t);
      }
      return ms;
    };
    // Warm-up: the WAL file grows to its working size first.
    for (let i = 0; i < 50; i++) commit.immediate(WINDOW_ROWS);
    const one = time(1);
    const window = time(WINDOW_ROWS);
    return {
      commit_p50_ms: round3(percentile(one, 0.5)),
      commit_p99_ms: round3(percentile(one, 0.99)),
      window_commit_p50_ms: round3(percentile(window, 0.5)),
      window_commit_p99_ms: round3(percentile(window, 0.99)),
    };
  } finally {
    db.close();
    for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
  }
}
