import { sql, type CompiledQuery, type Kysely } from 'kysely';
import { isPostgres, lockKeys } from './db';
import type { Database } from './schema';
import { precompiled } from './precompiled';
import { decodeSnapshotData, type Snapshots } from './snapshots';

/** One row of the update log. */
export interface StoredRow {
  id: number;
  data: Uint8Array;
}

/**
 * What {@link Updates.read} yields, in order. Every chunk is Yjs update bytes; applying all of
 * them, in order, to an empty document gives the stored document.
 */
export type StoredChunk = { kind: 'snapshot'; updates: Uint8Array[]; uptoId: number } | { kind: 'rows'; rows: StoredRow[] };

/**
 * The page's rows with their bytes copied into one buffer they share. The driver gives every
 * row a buffer of its own, and a load holds pages for a while (read ahead, the cold-join feed):
 * thousands of small buffers that survive young-generation collections made their pauses
 * longer. Loading B4's 259,778 rows (probe, 6 loads each): longest timer lag 18.9 against 26.8
 * ms at the median, time in scavenges 325 against 404 ms.
 */
function onePage(rows: StoredRow[]): StoredRow[] {
  let bytes = 0;
  for (const r of rows) bytes += r.data.length;
  const buffer = new Uint8Array(bytes);
  let at = 0;
  return rows.map((r) => {
    buffer.set(r.data, at);
    const data = buffer.subarray(at, (at += r.data.length));
    return { id: r.id, data };
  });
}

/** A document as stored: its snapshot (if any) and the update-log rows it does not cover. */
export interface StoredState {
  snapshot: { updates: Uint8Array[]; uptoId: number } | null;
  /** Rows with `id > snapshot.uptoId`, oldest first. */
  tail: Uint8Array[];
  /** The highest update id the state includes (snapshot or tail); 0 for an empty document. */
  lastId: number;
  tailCount: number;
  tailBytes: number;
}

/** Rows per insert statement when appending on SQLite (see {@link Updates.append}). */
const INSERT_CHUNK_ROWS = 64;

/** Most documents per batch whose `updated_at` statement is kept compiled (see {@link Updates.append}). */
const TOUCH_COMPILED_MAX = 8;

type LogRow = { document_id: string; data: Uint8Array; created_at: number };

/** Rows per query when reading a document; small enough that one read takes a few ms. */
export const READ_PAGE_ROWS = 1000;

/** The per-document update log. */
export class Updates {
  /** A page of the log, without and with an upper bound: every document load reads one or more. */
  private readonly pageAfter: (documentId: string, afterId: number, limit: number) => CompiledQuery;
  private readonly pageBetween: (documentId: string, afterId: number, uptoId: number, limit: number) => CompiledQuery;
  /** The snapshot (part 0, `id` its uptoId) and the first page of rows after it (part 1), in one statement, unordered. */
  private readonly head: (documentId: string, limit: number) => CompiledQuery;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly snapshots: Snapshots,
  ) {
    const rowsAfter = (documentId: string, afterId: number) =>
      db.selectFrom('updates').select(['id', 'data']).where('document_id', '=', documentId).where('id', '>', afterId);
    this.pageAfter = precompiled(db, 3, (documentId: string, afterId: number, limit: number) => rowsAfter(documentId, afterId).orderBy('id').limit(limit));
    this.pageBetween = precompiled(db, 4, (documentId: string, afterId: number, uptoId: number, limit: number) =>
      rowsAfter(documentId, afterId).where('id', '<=', uptoId).orderBy('id').limit(limit),
    );
    this.head = precompiled(db, 2, (documentId: string, limit: number) => {
      const covered = db.selectFrom('snapshots').select('upto_update_id').where('document_id', '=', documentId);
      const page = db
        .selectFrom('updates')
        .select([sql<number>`1`.as('part'), 'id', 'data'])
        .where('document_id', '=', documentId)
        .where('id', '>', (eb) => eb.fn.coalesce(covered, sql<number>`0`))
        .orderBy('id')
        .limit(limit);
      return db
        .selectFrom('snapshots')
        .select([sql<number>`0`.as('part'), 'upto_update_id as id', 'data'])
        .where('document_id', '=', documentId)
        .unionAll(db.selectFrom(page.as('page')).select(['part', 'id', 'data']));
    });
  }

  /** Compiled inserts of `rows` log rows, by row count; their SQL depends on nothing else. */
  private readonly inserts = new Map<number, CompiledQuery>();

  /**
   * The insert of `rows` rows. Its parameters are each row's document id, data and time, row
   * after row: Kysely lists an insert's values in the order of the row object's keys.
   */
  private insertOf(rows: number): CompiledQuery {
    let q = this.inserts.get(rows);
    if (!q) {
      const probe = Array.from({ length: rows }, (_, i): LogRow => ({ document_id: `d${i}`, data: new Uint8Array(0), created_at: i }));
      q = this.db.insertInto('updates').values(probe).compile();
      // Checked once per size, so a Kysely that ordered them otherwise could never store a row wrongly.
      const p = q.parameters;
      if (p.length !== 3 * rows || probe.some((r, i) => p[3 * i] !== r.document_id || p[3 * i + 1] !== r.data || p[3 * i + 2] !== i)) {
        throw new Error(`unexpected parameters of ${q.sql}`);
      }
      this.inserts.set(rows, q);
    }
    return q;
  }

  /** Compiled updates of `updated_at` of `docs` documents, by document count. */
  private readonly touches = new Map<number, CompiledQuery>();

  /** Sets `updated_at` (the first parameter) of that many documents (the other parameters). */
  private touchOf(docs: number): CompiledQuery {
    let q = this.touches.get(docs);
    if (!q) {
      const ids = Array.from({ length: docs }, (_, i) => `d${i}`);
      q = this.db.updateTable('documents').set({ updated_at: -1 }).where('id', 'in', ids).compile();
      const p = q.parameters;
      if (p.length !== docs + 1 || p[0] !== -1 || ids.some((id, i) => p[i + 1] !== id)) throw new Error(`unexpected parameters of ${q.sql}`);
      this.touches.set(docs, q);
    }
    return q;
  }

  /**
   * Appends updates in one transaction (one commit, one fsync) and moves each touched
   * document's `updated_at`. When it resolves, every update is on disk.
   */
  async append(entries: { documentId: string; data: Uint8Array }[], now: number): Promise<void> {
    if (entries.length === 0) return;
    const docs = [...new Set(entries.map((e) => e.documentId))];
    await this.db.transaction().execute(async (trx) => {
      // Per-document order of visibility (see read()), also across several servers on Postgres.
      await lockKeys(trx, docs.map((d) => `updates:${d}`));
      const row = (e: { documentId: string; data: Uint8Array }): LogRow => ({ document_id: e.documentId, data: e.data, created_at: now });
      if (isPostgres(trx)) {
        // One multi-row insert: one round trip to the database server.
        await trx.insertInto('updates').values(entries.map(row)).execute();
      } else {
        // SQLite runs in this thread, so several statements cost no round trips, while
        // building and preparing an insert of N rows for every new N cost more than the commit
        // itself. Inserts of a few fixed sizes (64 rows, then powers of two for the rest) are
        // compiled once each and stay prepared (see cachingPrepare in db.ts).
        for (let at = 0; at < entries.length; ) {
          const left = entries.length - at;
          const n = left >= INSERT_CHUNK_ROWS ? INSERT_CHUNK_ROWS : 2 ** Math.floor(Math.log2(left));
          const parameters: unknown[] = [];
          for (let i = at; i < at + n; i++) parameters.push(entries[i].documentId, entries[i].data, now);
          await trx.executeQuery({ ...this.insertOf(n), parameters });
          at += n;
        }
      }
      // A batch usually touches one or a few documents: those statements are compiled once.
      if (isPostgres(trx) || docs.length > TOUCH_COMPILED_MAX) await trx.updateTable('documents').set({ updated_at: now }).where('id', 'in', docs).execute();
      else await trx.executeQuery({ ...this.touchOf(docs.length), parameters: [now, ...docs] });
    });
  }

  /** Up to `limit` rows with `afterId < id <= uptoId` (no upper bound when omitted), oldest first. */
  async page(documentId: string, afterId: number, limit: number, uptoId?: number): Promise<StoredRow[]> {
    const q = uptoId === undefined ? this.pageAfter(documentId, afterId, limit) : this.pageBetween(documentId, afterId, uptoId, limit);
    const { rows } = await this.db.executeQuery<{ id: number; data: Uint8Array }>(q);
    return rows.map((r) => ({ id: Number(r.id), data: r.data }));
  }

  /** The highest id in the document's update log; 0 when it has no rows. */
  async lastId(documentId: string): Promise<number> {
    const r = await this.db.selectFrom('updates').select((eb) => eb.fn.max('id').as('last')).where('document_id', '=', documentId).executeTakeFirst();
    return Number(r?.last ?? 0);
  }

  /**
   * Deletes up to `limit` of the oldest rows with `id <= uptoId` and returns how many it
   * deleted. Only rows the committed snapshot covers are ever deleted, whatever `uptoId` says,
   * so no caller can lose an update by deleting too early. Callers keep `limit` small: each
   * call is one short write transaction, and other writers wait for it.
   */
  async deleteUpTo(documentId: string, uptoId: number, limit: number): Promise<number> {
    const r = await this.db
      .deleteFrom('updates')
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('updates')
          .select('id')
          .where('document_id', '=', documentId)
          .where('id', '<=', uptoId)
          .where('id', '<=', eb.selectFrom('snapshots').select('upto_update_id').where('document_id', '=', documentId))
          .orderBy('id')
          .limit(limit),
      )
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  /**
   * Reads the document a page at a time: its snapshot, then the rows after it (the rows of a
   * page share one buffer; see {@link onePage}). Consistent
   * without a long transaction, even while a compaction commits a new snapshot and deletes the
   * rows it covers: if the snapshot moved during the read, the new one is yielded last. It
   * covers every row the read may have missed, and rows above it were never deleted. Yjs
   * updates are idempotent and commute, so rows it also covers do no harm.
   *
   * Relies on a document's update ids becoming visible in increasing order: SQLite has one
   * writer at a time; on Postgres, append() holds a per-document advisory lock from taking ids
   * to commit, so this holds even with several collaboration servers appending.
   */
  async *read(documentId: string, pageRows = READ_PAGE_ROWS): AsyncGenerator<StoredChunk> {
    // The snapshot and the first page after it come from one statement, which sees one state of
    // the database: a document whose log after its snapshot fits in a page is read by one query.
    const { rows: head } = await this.db.executeQuery<{ part: number; id: number; data: Uint8Array }>(this.head(documentId, pageRows));
    let covered = 0;
    let snapshot: Uint8Array | undefined;
    const rows: StoredRow[] = [];
    for (const r of head) {
      if (Number(r.part) === 0) [covered, snapshot] = [Number(r.id), r.data];
      else rows.push({ id: Number(r.id), data: r.data });
    }
    // A union's rows come in no promised order (sorting them in SQL cost more than the rest of
    // the query); they are nearly always in order already, which this sort checks in one pass.
    rows.sort((a, b) => a.id - b.id);
    if (snapshot) yield { kind: 'snapshot', updates: decodeSnapshotData(snapshot), uptoId: covered };
    if (rows.length > 0) yield { kind: 'rows', rows: onePage(rows) };
    if (rows.length < pageRows) return;
    let after = rows[rows.length - 1].id;
    for (;;) {
      const page = await this.page(documentId, after, pageRows);
      if (page.length > 0) yield { kind: 'rows', rows: onePage(page) };
      if (page.length < pageRows) break;
      after = page[page.length - 1].id;
    }
    // Later pages are separate statements: a compaction may have folded and deleted rows
    // between them, and then its snapshot, which covers them, comes last.
    if (((await this.snapshots.uptoId(documentId)) ?? 0) > covered) {
      const last = await this.snapshots.get(documentId);
      if (last) yield { kind: 'snapshot', updates: last.updates, uptoId: last.uptoId };
    }
  }

  /** The whole stored state at once (see {@link read}); for callers that need it all in memory. */
  async loadState(documentId: string, pageRows = READ_PAGE_ROWS): Promise<StoredState> {
    let snapshot: StoredState['snapshot'] = null;
    const rows: StoredRow[] = [];
    for await (const c of this.read(documentId, pageRows)) {
      if (c.kind === 'snapshot') snapshot = { updates: c.updates, uptoId: c.uptoId };
      else for (const r of c.rows) rows.push(r);
    }
    const covered = snapshot?.uptoId ?? 0;
    const tail = rows.filter((r) => r.id > covered);
    const tailBytes = tail.reduce((n, r) => n + r.data.length, 0);
    const lastId = Math.max(covered, tail.length > 0 ? tail[tail.length - 1].id : 0);
    return { snapshot, tail: tail.map((r) => r.data), lastId, tailCount: tail.length, tailBytes };
  }

  /** The stored document as updates to apply in order: the snapshot's (if any), then the tail. */
  async load(documentId: string): Promise<Uint8Array[]> {
    const s = await this.loadState(documentId);
    return s.snapshot ? [...s.snapshot.updates, ...s.tail] : s.tail;
  }
}
