import { sql, type CompiledQuery, type Kysely } from 'kysely';
import { newId } from '../ids';
import { recordAccessEvent } from './events';
import { precompiled } from './precompiled';
import { linkRole, strongest } from './roles';
import type { Database, LinkAccess, Role } from './schema';

export interface Sharing {
  /** People with access besides the owner: members and pending invitations. */
  people: number;
  link: LinkAccess;
}

export interface DocumentSummary {
  id: string;
  title: string;
  role: Role;
  updatedAt: number;
  sharing: Sharing;
}

export interface DocumentInfo {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  linkAccess: LinkAccess;
}

/** How the user came by their role; 'invite' means an invitation to their email not yet opened. */
export type Via = 'member' | 'invite' | 'link';

export interface Access {
  document: DocumentInfo;
  role: Role | null;
  via: Via | null;
}

/** What the access query returns for one document and user (see accessOf). */
export interface AccessRow {
  id: string;
  title: string;
  created_at: number;
  updated_at: number;
  link_access: LinkAccess;
  member_role: Role | null;
  granted: string | null;
  invite_role: Role | null;
}

/**
 * The document and the user's role from an access row: the strongest of their membership, an
 * invitation to their email, and a link grant while the link is on.
 */
export function accessOf(r: AccessRow): Access {
  const document = { id: r.id, title: r.title, createdAt: Number(r.created_at), updatedAt: Number(r.updated_at), linkAccess: r.link_access };
  const viaLink = r.granted ? linkRole(r.link_access) : null;
  const role = strongest(strongest(r.member_role ?? null, (r.invite_role as Role | null) ?? null), viaLink);
  const via = !role ? null : role === r.member_role ? 'member' : role === r.invite_role ? 'invite' : 'link';
  return { document, role, via };
}

export class Documents {
  /** A document and what one user may do with it (every WebSocket upgrade and page asks). */
  private readonly accessQuery: (...args: [string, string]) => CompiledQuery;

  constructor(private readonly db: Kysely<Database>) {
    this.accessQuery = precompiled(this.db, 2, (id: string, userId: string) =>
      this.db
        .selectFrom('documents as d')
        .leftJoin('members as m', (j) => j.onRef('m.document_id', '=', 'd.id').on('m.user_id', '=', userId))
        .leftJoin('link_grants as g', (j) => j.onRef('g.document_id', '=', 'd.id').on('g.user_id', '=', userId))
        .select([
          'd.id', 'd.title', 'd.created_at', 'd.updated_at', 'd.link_access', 'm.role as member_role', 'g.user_id as granted',
          (eb) => eb.selectFrom('invites as i').innerJoin('users as u', 'u.email', 'i.email').select('i.role').whereRef('i.document_id', '=', 'd.id').where('u.id', '=', userId).as('invite_role'),
        ])
        .where('d.id', '=', id),
    );
  }

  /** Creates a document owned by `ownerId`. */
  /**
   * Creates a document owned by `ownerId`. `initial` (Yjs update bytes) becomes its first stored
   * update in the same transaction: imported content exists before anyone can open the document,
   * so no client can seed it a second time.
   */
  async create(input: { title: string; ownerId: string; now: number; initial?: Uint8Array }): Promise<DocumentInfo> {
    const id = newId();
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('documents').values({ id, title: input.title, created_at: input.now, updated_at: input.now, link_token: null }).execute();
      await trx.insertInto('members').values({ document_id: id, user_id: input.ownerId, role: 'owner', created_at: input.now }).execute();
      if (input.initial) await trx.insertInto('updates').values({ document_id: id, data: input.initial, created_at: input.now }).execute();
    });
    return { id, title: input.title, createdAt: input.now, updatedAt: input.now, linkAccess: 'restricted' };
  }

  /**
   * The document and the user's role: the strongest of their membership, an invitation to their
   * email, and a link grant while the link is on. Undefined when the document does not exist.
   */
  async access(id: string, userId: string): Promise<Access | undefined> {
    const [r] = (await this.db.executeQuery<AccessRow>(this.accessQuery(id, userId))).rows;
    return r && accessOf(r);
  }

  /** Every document the user can open, most recently changed first, with how each is shared. */
  async listForUser(userId: string): Promise<DocumentSummary[]> {
    const user = await this.db.selectFrom('users').select('email').where('id', '=', userId).executeTakeFirst();
    if (!user) return [];
    const rows = await this.db
      .selectFrom('documents as d')
      .leftJoin('members as m', (j) => j.onRef('m.document_id', '=', 'd.id').on('m.user_id', '=', userId))
      .leftJoin('invites as i', (j) => j.onRef('i.document_id', '=', 'd.id').on('i.email', '=', user.email))
      .leftJoin('link_grants as g', (j) => j.onRef('g.document_id', '=', 'd.id').on('g.user_id', '=', userId))
      .select([
        'd.id', 'd.title', 'd.updated_at', 'd.link_access', 'm.role as member_role', 'i.role as invite_role', 'g.user_id as granted',
        (eb) => eb.selectFrom('members as x').select(sql<number>`count(*)`.as('n')).whereRef('x.document_id', '=', 'd.id').where('x.role', '!=', 'owner').as('members'),
        (eb) => eb.selectFrom('invites as y').select(sql<number>`count(*)`.as('n')).whereRef('y.document_id', '=', 'd.id').as('invites'),
      ])
      .where((eb) => eb.or([eb('m.user_id', 'is not', null), eb('i.email', 'is not', null), eb.and([eb('g.user_id', 'is not', null), eb('d.link_access', '!=', 'restricted')])]))
      .orderBy('d.updated_at', 'desc')
      .orderBy('d.id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      title: r.title,
      role: strongest(strongest(r.member_role ?? null, r.invite_role ?? null), r.granted ? linkRole(r.link_access) : null)!,
      updatedAt: Number(r.updated_at),
      sharing: { people: Number(r.members ?? 0) + Number(r.invites ?? 0), link: r.link_access },
    }));
  }

  async find(id: string): Promise<DocumentInfo | undefined> {
    const r = await this.db.selectFrom('documents').selectAll().where('id', '=', id).executeTakeFirst();
    return r && { id: r.id, title: r.title, createdAt: Number(r.created_at), updatedAt: Number(r.updated_at), linkAccess: r.link_access };
  }

  /** Renames the document; open pages and document lists hear of it through the event outbox. */
  async rename(id: string, title: string, now: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('documents').set({ title, updated_at: now }).where('id', '=', id).execute();
      await recordAccessEvent(trx, { kind: 'renamed', documentId: id }, now);
    });
  }

  /** Deletes the document with its members, invitations, grants and content; live connections close. */
  async delete(id: string, now = Date.now()): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('documents').where('id', '=', id).execute();
      await recordAccessEvent(trx, { kind: 'deleted', documentId: id }, now);
    });
  }
}
