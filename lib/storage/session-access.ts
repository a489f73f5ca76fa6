import type { CompiledQuery, Kysely } from 'kysely';
import { hashSecret } from '../ids';
import { accessOf, type Access, type AccessRow } from './documents';
import { precompiled } from './precompiled';
import type { Database } from './schema';
import type { SessionInfo, SessionRow, Sessions } from './sessions';

/** A live session and what its account may do with one document (undefined: no such document). */
export interface SessionAccess {
  session: SessionInfo;
  access: Access | undefined;
}

/** The session's columns, then the document's, prefixed where they would clash. */
type Row = SessionRow & {
  doc_id: string | null;
  doc_title: string;
  doc_created_at: number;
  doc_updated_at: number;
  doc_link_access: AccessRow['link_access'];
  member_role: AccessRow['member_role'];
  granted: string | null;
  invite_role: AccessRow['invite_role'];
};

/**
 * The session behind a token and its account's access to one document, in one query: every
 * WebSocket upgrade asks for both, and as two queries they were two trips through the query
 * layer and SQLite per connection (the rules themselves stay in Sessions.live and accessOf).
 */
export class SessionAccessQuery {
  private readonly query: (tokenHash: string, documentId: string) => CompiledQuery;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly sessions: Sessions,
  ) {
    this.query = precompiled(db, 2, (tokenHash: string, documentId: string) =>
      db
        .selectFrom('sessions as s')
        .innerJoin('users as u', 'u.id', 's.user_id')
        .leftJoin('documents as d', (j) => j.on('d.id', '=', documentId))
        .leftJoin('members as m', (j) => j.onRef('m.document_id', '=', 'd.id').onRef('m.user_id', '=', 's.user_id'))
        .leftJoin('link_grants as g', (j) => j.onRef('g.document_id', '=', 'd.id').onRef('g.user_id', '=', 's.user_id'))
        .select([
          's.id as id', 's.created_at', 's.last_used_at', 's.expires_at', 'u.id as user_id', 'u.email', 'u.name',
          'd.id as doc_id', 'd.title as doc_title', 'd.created_at as doc_created_at', 'd.updated_at as doc_updated_at', 'd.link_access as doc_link_access',
          'm.role as member_role', 'g.user_id as granted',
          // An invitation to the account's email (what Documents.access finds through users).
          (eb) => eb.selectFrom('invites as i').select('i.role').whereRef('i.document_id', '=', 'd.id').whereRef('i.email', '=', 'u.email').as('invite_role'),
        ])
        .where('s.token_hash', '=', tokenHash),
    );
  }

  /** Undefined when the token has no live session; `access` is undefined when the document does not exist. */
  async resolve(token: string, documentId: string, now: number, idleMs: number): Promise<SessionAccess | undefined> {
    const [r] = (await this.db.executeQuery<Row>(this.query(hashSecret(token), documentId))).rows;
    if (!r) return undefined;
    const session = await this.sessions.live(r, now, idleMs);
    if (!session) return undefined;
    const access =
      r.doc_id === null
        ? undefined
        : accessOf({
            id: r.doc_id,
            title: r.doc_title,
            created_at: r.doc_created_at,
            updated_at: r.doc_updated_at,
            link_access: r.doc_link_access,
            member_role: r.member_role,
            granted: r.granted,
            invite_role: r.invite_role,
          });
    return { session, access };
  }
}
