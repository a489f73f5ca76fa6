import type { CompiledQuery, Kysely, Transaction } from 'kysely';
import { lockKeys } from './db';
import { precompiled } from './precompiled';
import type { AccessEventKind, Database } from './schema';

export interface AccessEvent {
  id: number;
  kind: AccessEventKind;
  documentId: string | null;
  userId: string | null;
  sessionId: string | null;
}

export type AccessEventInput = { kind: 'document' | 'deleted' | 'renamed' | 'content'; documentId: string } | { kind: 'session'; sessionId: string } | { kind: 'user-sessions'; userId: string; exceptSessionId?: string };

type Db = Kysely<Database> | Transaction<Database>;

/** Records an access change, inside the caller's transaction when it passes one. */
export async function recordAccessEvent(db: Db, e: AccessEventInput, now: number): Promise<void> {
  // Followers read `id > last seen`: on Postgres, events from several processes must become
  // visible in id order, so recording one is serialised (held until the caller commits).
  // Outside a transaction the lock would end at once, so take one of our own.
  if (!db.isTransaction) return db.transaction().execute((trx) => recordAccessEvent(trx, e, now));
  await lockKeys(db, ['access_events']);
  await db
    .insertInto('access_events')
    .values({
      kind: e.kind,
      document_id: 'documentId' in e ? e.documentId : null,
      user_id: e.kind === 'user-sessions' ? e.userId : null,
      session_id: e.kind === 'session' ? e.sessionId : e.kind === 'user-sessions' ? (e.exceptSessionId ?? null) : null,
      created_at: now,
    })
    .execute();
}

/** The outbox of access changes that collaboration servers follow. */
export class AccessEvents {
  /**
   * Every collaboration server asks this ten times a second, forever, mostly to hear "nothing
   * new": built once, where building the query each time cost more than SQLite's answer.
   */
  private readonly page: (afterId: number, limit: number) => CompiledQuery;

  constructor(private readonly db: Kysely<Database>) {
    this.page = precompiled(db, 2, (afterId: number, limit: number) => db.selectFrom('access_events').selectAll().where('id', '>', afterId).orderBy('id').limit(limit));
  }

  record(e: AccessEventInput, now = Date.now()): Promise<void> {
    return recordAccessEvent(this.db, e, now);
  }

  /** The id of the newest event (0 if none): a follower starts after it. */
  async lastId(): Promise<number> {
    const r = await this.db.selectFrom('access_events').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
    return Number(r?.id ?? 0);
  }

  /** Events after `afterId`, oldest first. */
  async after(afterId: number, limit = 500): Promise<AccessEvent[]> {
    const { rows } = await this.db.executeQuery<Database['access_events']>(this.page(afterId, limit));
    return rows.map((r) => ({ id: Number(r.id), kind: r.kind, documentId: r.document_id, userId: r.user_id, sessionId: r.session_id }));
  }

  /** Drops events older than `before` (followers only need recent ones). */
  async prune(before: number): Promise<void> {
    await this.db.deleteFrom('access_events').where('created_at', '<', before).execute();
  }
}
