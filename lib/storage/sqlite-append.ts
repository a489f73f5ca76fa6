import type BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, type CompiledQuery } from 'kysely';
import type { Database } from './schema';

export interface LogEntry {
  documentId: string;
  data: Uint8Array;
}

/** Checks that a compiled statement takes `expected` as its parameters, in that order. */
function checked(q: CompiledQuery, expected: unknown[]): string {
  if (q.parameters.length !== expected.length || expected.some((v, i) => q.parameters[i] !== v)) throw new Error(`unexpected parameters of ${q.sql}`);
  return q.sql;
}

/**
 * Appends to the update log on a raw SQLite connection, synchronously: the whole job of the
 * append worker thread, which does nothing else. Same rows and statements as
 * `Updates.append` (built by the same query builder), without its asynchronous driver: on a
 * one-row commit, Kysely's promise chain per statement (begin, insert, touch, commit) cost more
 * CPU than SQLite's own work and the fsync together (perf, fanout-50, docs/BENCHMARKS.md).
 */
export class SqliteLogAppender {
  private readonly insert: BetterSqlite3.Statement;
  private readonly touch: BetterSqlite3.Statement;
  private readonly commit: BetterSqlite3.Transaction<(entries: readonly LogEntry[], now: number) => void>;

  constructor(raw: BetterSqlite3.Database) {
    // Only compiles SQL; the dialect's driver (which would own the connection) never starts.
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
    const data = new Uint8Array(0);
    this.insert = raw.prepare(checked(db.insertInto('updates').values({ document_id: 'd', data, created_at: 1 }).compile(), ['d', data, 1]));
    this.touch = raw.prepare(checked(db.updateTable('documents').set({ updated_at: 1 }).where('id', '=', 'd').compile(), [1, 'd']));
    this.commit = raw.transaction((entries: readonly LogEntry[], now: number) => {
      let last: string | undefined;
      const touched = new Set<string>();
      for (const e of entries) {
        this.insert.run(e.documentId, e.data, now);
        if (e.documentId !== last) touched.add((last = e.documentId));
      }
      for (const id of touched) this.touch.run(now, id);
    });
  }

  /**
   * Appends `entries` in one immediate transaction (one commit, one fsync) and moves each
   * touched document's `updated_at`. When it returns, every entry is on disk.
   */
  append(entries: readonly LogEntry[], now: number): void {
    if (entries.length > 0) this.commit.immediate(entries, now);
  }
}
