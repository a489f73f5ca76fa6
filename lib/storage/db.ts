import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, Kysely, PostgresAdapter, PostgresDialect, SqliteDialect, SqliteDriver, sql, type DatabaseConnection, type Driver, type SqliteDatabase, type SqliteDialectConfig, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './schema';

export type Dialect = 'sqlite' | 'postgres';

export interface Connection {
  db: Kysely<Database>;
  dialect: Dialect;
  close(): Promise<void>;
}

/** Where the data lives: a SQLite file (the default) or a Postgres database. */
export type StorageTarget = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string; schema?: string };

/**
 * Write transactions take SQLite's write lock at BEGIN (waiting up to busy_timeout for it).
 * A deferred transaction that reads and then writes fails at once with SQLITE_BUSY_SNAPSHOT if
 * another process (the collaboration server, its append worker) committed in between, and no
 * busy timeout retries that.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly cfg: SqliteDialectConfig) {
    super(cfg);
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.cfg);
  }
}

/** Prepared statements kept per SQLite connection (by SQL text, least recently used dropped first). */
const STATEMENT_CACHE_SIZE = 200;

/**
 * Kysely's SQLite driver prepares every query it runs, and preparing costs more than running a
 * small statement (it was most of the CPU of a one-row commit). The same SQL text always gives
 * the same statement, so this keeps the recently used ones. Safe because Kysely runs one query
 * at a time on its single SQLite connection (a mutex; a streamed select holds it until done),
 * so a cached statement is never reused while it is still running; SQLite re-prepares a
 * statement by itself if a migration changed the schema under it.
 */
function cachingPrepare(raw: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => raw.close(),
    prepare(text: string) {
      let stmt = cache.get(text);
      if (stmt) {
        // Move to the back: Map iteration order is insertion order, so the front is the oldest.
        cache.delete(text);
      } else {
        stmt = raw.prepare(text);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      }
      cache.set(text, stmt);
      return stmt;
    },
  };
}

/** The SQLite file opened with the settings below, for code that runs statements itself (the append worker). */
export function openRawSqlite(file: string): BetterSqlite3.Database {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const raw = new BetterSqlite3(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = FULL');
  raw.pragma('foreign_keys = ON');
  // Two processes share the file; wait for the other's write lock instead of failing.
  raw.pragma('busy_timeout = 5000');
  return raw;
}

/** The query builder over an open SQLite connection, as `openSqlite` makes it (immediate transactions). */
export function sqliteKysely(raw: BetterSqlite3.Database): Kysely<Database> {
  return new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: cachingPrepare(raw) }) });
}

/**
 * Opens the SQLite file with the settings durability depends on: WAL so the app and the
 * collaboration server read while the other writes, `synchronous=FULL` so a commit is on disk
 * when it returns, foreign keys so deleting a document deletes its content.
 */
export function openSqlite(file: string): Connection {
  const db = sqliteKysely(openRawSqlite(file));
  return {
    db,
    dialect: 'sqlite',
    async close() {
      await db.destroy();
    },
  };
}

// Every bigint column holds a time in ms or a row id, both far below 2^53: read them as numbers.
const PG_INT8 = 20;
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === PG_INT8 && format !== 'binary') return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
};

/**
 * Opens a pool to Postgres. Durability comes from Postgres itself (`synchronous_commit` on, its
 * default): a commit has returned only once it is flushed to the WAL. `schema` confines every
 * table to one schema (created if missing), so test suites can share a database.
 */
export function openPostgres(url: string, schema?: string, max = 10): Connection {
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad schema name ${schema}`);
  const pool = new pg.Pool({
    connectionString: url,
    max,
    types: pgTypes,
    options: schema ? `-c search_path=${schema}` : undefined,
    application_name: 'tandem',
  });
  // An idle client that loses its server emits 'error' on the pool; the next query reconnects.
  pool.on('error', () => {});
  let ready: Promise<void> | undefined;
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({
      pool: async () => {
        if (schema) ready ??= pool.query(`create schema if not exists ${schema}`).then(() => undefined);
        await ready;
        return pool;
      },
    }),
  });
  return {
    db,
    dialect: 'postgres',
    async close() {
      await db.destroy();
    },
  };
}

export function openTarget(target: StorageTarget): Connection {
  switch (target.kind) {
    case 'sqlite':
      return openSqlite(target.file);
    case 'postgres':
      return openPostgres(target.url, target.schema);
    default: {
      const never: never = target;
      throw new Error(`unknown storage ${JSON.stringify(never)}`);
    }
  }
}

type Db = Kysely<Database> | Transaction<Database>;

export function isPostgres(db: Db): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * Takes Postgres transaction-scoped advisory locks on `keys` (sorted, so two transactions never
 * wait on each other in opposite orders); a no-op on SQLite, where a write transaction already
 * excludes every other writer. Used where readers assume ids become visible in increasing
 * order: a sequence hands out ids at insert time, but transactions commit in any order.
 */
export async function lockKeys(db: Db, keys: string[]): Promise<void> {
  if (!isPostgres(db)) return;
  for (const k of [...new Set(keys)].sort()) {
    await sql`select pg_advisory_xact_lock(hashtextextended(${k}, 0))`.execute(db);
  }
}
