import type { Kysely } from 'kysely';
import { newId } from '../ids';
import type { Database, VersionKind } from './schema';

/** A version as listed (without its bytes). */
export interface VersionSummary {
  id: string;
  documentId: string;
  kind: VersionKind;
  name: string | null;
  /** Accounts that edited since the previous version, with their names. */
  editors: { id: string; name: string }[];
  createdBy: string | null;
  createdAt: number;
}

export interface Version extends VersionSummary {
  data: Uint8Array;
}

/** What `Versions.create` takes. */
export interface NewVersion {
  documentId: string;
  kind: VersionKind;
  name: string | null;
  data: Uint8Array;
  createdBy: string | null;
  now: number;
}

/** That `userId` edited `documentId` at `at` (ms). */
export interface EditMark {
  documentId: string;
  userId: string;
  at: number;
}

/** Three parameters a row: well under SQLite's 32,766 and Postgres's 65,535 per statement. */
const MARKS_PER_STATEMENT = 500;

/** Saved states of documents, and who edited them when. */
export class Versions {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Saves a version of `documentId` holding `data` (the whole document as one update). Its
   * editors are the accounts marked as editing since the previous version.
   */
  async create(input: NewVersion): Promise<VersionSummary> {
    const id = newId();
    return this.db.transaction().execute(async (trx) => {
      const previous = await trx.selectFrom('versions').select('created_at').where('document_id', '=', input.documentId).orderBy('created_at', 'desc').limit(1).executeTakeFirst();
      const since = previous ? Number(previous.created_at) : -1;
      const marks = await trx.selectFrom('edit_marks').select('user_id').where('document_id', '=', input.documentId).where('last_edited_at', '>', since).orderBy('user_id').execute();
      const editors = marks.map((m) => m.user_id);
      await trx
        .insertInto('versions')
        .values({ id, document_id: input.documentId, kind: input.kind, name: input.name, data: input.data, editors: JSON.stringify(editors), created_by: input.createdBy, created_at: input.now })
        .execute();
      return (await this.summaries(trx, input.documentId, id))[0];
    });
  }

  /** Newest first. */
  list(documentId: string, limit = 200): Promise<VersionSummary[]> {
    return this.summaries(this.db, documentId, undefined, limit);
  }

  async get(documentId: string, versionId: string): Promise<Version | undefined> {
    const row = await this.db.selectFrom('versions').select('data').where('document_id', '=', documentId).where('id', '=', versionId).executeTakeFirst();
    if (!row) return undefined;
    const [summary] = await this.summaries(this.db, documentId, versionId);
    return { ...summary, data: row.data };
  }

  /** When the newest version of the document was made, if any. */
  async latestAt(documentId: string): Promise<number | undefined> {
    const r = await this.db.selectFrom('versions').select((eb) => eb.fn.max('created_at').as('at')).where('document_id', '=', documentId).executeTakeFirst();
    return r?.at === null || r?.at === undefined ? undefined : Number(r.at);
  }

  /** Records that `userId` edited the document at `now`. */
  markEdited(documentId: string, userId: string, now: number): Promise<void> {
    return this.markEditedMany([{ documentId, userId, at: now }]);
  }

  /**
   * Records many edit marks in one transaction, a few hundred rows per statement: the
   * collaboration server gathers them (one per document and account every 30 s) and writes
   * them together, where a write each was a commit each on its event loop.
   */
  async markEditedMany(marks: readonly EditMark[]): Promise<void> {
    // One row per (document, account) per statement: Postgres refuses to update a row twice in one.
    const rows = [...new Map(marks.map((m) => [`${m.documentId}\0${m.userId}`, m])).values()].map((m) => ({ document_id: m.documentId, user_id: m.userId, last_edited_at: m.at }));
    if (rows.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += MARKS_PER_STATEMENT) {
        await trx
          .insertInto('edit_marks')
          .values(rows.slice(i, i + MARKS_PER_STATEMENT))
          .onConflict((oc) => oc.columns(['document_id', 'user_id']).doUpdateSet((eb) => ({ last_edited_at: eb.ref('excluded.last_edited_at') })))
          .execute();
      }
    });
  }

  private async summaries(db: Kysely<Database>, documentId: string, versionId?: string, limit = 200): Promise<VersionSummary[]> {
    let q = db
      .selectFrom('versions')
      .select(['id', 'document_id', 'kind', 'name', 'editors', 'created_by', 'created_at'])
      .where('document_id', '=', documentId);
    if (versionId) q = q.where('id', '=', versionId);
    const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    const ids = [...new Set(rows.flatMap((r) => JSON.parse(r.editors) as string[]))];
    const names = new Map<string, string>();
    if (ids.length > 0) for (const u of await db.selectFrom('users').select(['id', 'name']).where('id', 'in', ids).execute()) names.set(u.id, u.name);
    return rows.map((r) => ({
      id: r.id,
      documentId: r.document_id,
      kind: r.kind,
      name: r.name,
      editors: (JSON.parse(r.editors) as string[]).filter((id) => names.has(id)).map((id) => ({ id, name: names.get(id)! })),
      createdBy: r.created_by,
      createdAt: Number(r.created_at),
    }));
  }
}
