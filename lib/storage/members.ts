import type { Kysely } from 'kysely';
import { recordAccessEvent } from './events';
import { byRank } from './roles';
import type { Database, Role } from './schema';
import { normalizeEmail } from './users';

export type GrantableRole = Exclude<Role, 'owner'>;

export interface MemberEntry {
  /** Null for an invitation nobody has opened yet. */
  userId: string | null;
  email: string;
  /** Only for people who have opened the document: an invitation never tells whether the email has an account. */
  name: string | null;
  role: Role;
  pending: boolean;
}

export type ChangeResult = 'ok' | 'not_found' | 'owner';

/**
 * Who has access to a document. Sharing by email always creates an invitation; it becomes a
 * membership when its recipient opens the document. Until then the list shows the email only,
 * so sharing never reveals whether an email has an account. Every change records an access
 * event, so live connections follow it.
 */
export class Members {
  constructor(private readonly db: Kysely<Database>) {}

  async role(documentId: string, userId: string): Promise<Role | null> {
    const r = await this.db.selectFrom('members').select('role').where('document_id', '=', documentId).where('user_id', '=', userId).executeTakeFirst();
    return r?.role ?? null;
  }

  /** Everyone with access: owner, editors, viewers, then pending invitations (editors, viewers). */
  async list(documentId: string): Promise<MemberEntry[]> {
    const members = await this.db
      .selectFrom('members')
      .innerJoin('users', 'users.id', 'members.user_id')
      .select(['users.id', 'users.email', 'users.name', 'members.role', 'members.created_at'])
      .where('members.document_id', '=', documentId)
      .orderBy('members.created_at')
      .orderBy('users.email')
      .execute();
    // Two shares in the same millisecond tie on created_at; the email breaks the tie so the
    // list reads the same on every call and on both databases.
    const invites = await this.db
      .selectFrom('invites')
      .select(['email', 'role'])
      .where('document_id', '=', documentId)
      .orderBy('created_at')
      .orderBy('email')
      .execute();
    return [
      ...members.sort((a, b) => byRank(a.role, b.role)).map((m) => ({ userId: m.id, email: m.email, name: m.name, role: m.role, pending: false })),
      ...invites.sort((a, b) => byRank(a.role as Role, b.role as Role)).map((i) => ({ userId: null, email: i.email, name: null, role: i.role as Role, pending: true })),
    ];
  }

  /**
   * Shares the document with `email`: changes the role of a member with that email, or
   * creates (or updates) an invitation. Returns 'owner' if the email is the owner's.
   */
  async share(documentId: string, email: string, role: GrantableRole, now: number): Promise<'ok' | 'owner'> {
    const normalized = normalizeEmail(email);
    return this.db.transaction().execute(async (trx) => {
      const member = await trx
        .selectFrom('members')
        .innerJoin('users', 'users.id', 'members.user_id')
        .select(['members.user_id', 'members.role'])
        .where('members.document_id', '=', documentId)
        .where('users.email', '=', normalized)
        .executeTakeFirst();
      if (member?.role === 'owner') return 'owner';
      if (member) await trx.updateTable('members').set({ role }).where('document_id', '=', documentId).where('user_id', '=', member.user_id).execute();
      else
        await trx
          .insertInto('invites')
          .values({ document_id: documentId, email: normalized, role, created_at: now })
          .onConflict((oc) => oc.columns(['document_id', 'email']).doUpdateSet({ role }))
          .execute();
      await recordAccessEvent(trx, { kind: 'document', documentId }, now);
      return 'ok';
    });
  }

  /** Turns the invitation to this user's email into a membership (on first open). */
  async acceptInvite(documentId: string, userId: string, email: string, now: number): Promise<void> {
    const normalized = normalizeEmail(email);
    await this.db.transaction().execute(async (trx) => {
      const invite = await trx.selectFrom('invites').select('role').where('document_id', '=', documentId).where('email', '=', normalized).executeTakeFirst();
      if (!invite) return;
      await trx.insertInto('members').values({ document_id: documentId, user_id: userId, role: invite.role, created_at: now }).onConflict((oc) => oc.doNothing()).execute();
      await trx.deleteFrom('invites').where('document_id', '=', documentId).where('email', '=', normalized).execute();
    });
  }

  /** Changes a member's role (never the owner's). */
  async setRole(documentId: string, userId: string, role: GrantableRole, now: number): Promise<ChangeResult> {
    return this.db.transaction().execute(async (trx) => {
      const current = await trx.selectFrom('members').select('role').where('document_id', '=', documentId).where('user_id', '=', userId).executeTakeFirst();
      if (!current) return 'not_found';
      if (current.role === 'owner') return 'owner';
      await trx.updateTable('members').set({ role }).where('document_id', '=', documentId).where('user_id', '=', userId).execute();
      await recordAccessEvent(trx, { kind: 'document', documentId }, now);
      return 'ok';
    });
  }

  /** Removes a member (never the owner), with any link grant and invitation they had. */
  async remove(documentId: string, userId: string, now: number): Promise<ChangeResult> {
    return this.db.transaction().execute(async (trx) => {
      const current = await trx
        .selectFrom('members')
        .innerJoin('users', 'users.id', 'members.user_id')
        .select(['members.role', 'users.email'])
        .where('members.document_id', '=', documentId)
        .where('members.user_id', '=', userId)
        .executeTakeFirst();
      if (!current) return 'not_found';
      if (current.role === 'owner') return 'owner';
      await trx.deleteFrom('members').where('document_id', '=', documentId).where('user_id', '=', userId).execute();
      await trx.deleteFrom('link_grants').where('document_id', '=', documentId).where('user_id', '=', userId).execute();
      await trx.deleteFrom('invites').where('document_id', '=', documentId).where('email', '=', current.email).execute();
      await recordAccessEvent(trx, { kind: 'document', documentId }, now);
      return 'ok';
    });
  }

  /** Changes or withdraws an invitation nobody has opened yet. */
  async changeInvite(documentId: string, email: string, role: GrantableRole | null, now: number): Promise<ChangeResult> {
    const normalized = normalizeEmail(email);
    return this.db.transaction().execute(async (trx) => {
      const changed = role
        ? (await trx.updateTable('invites').set({ role }).where('document_id', '=', documentId).where('email', '=', normalized).executeTakeFirst()).numUpdatedRows
        : (await trx.deleteFrom('invites').where('document_id', '=', documentId).where('email', '=', normalized).executeTakeFirst()).numDeletedRows;
      if (Number(changed) === 0) return 'not_found';
      await recordAccessEvent(trx, { kind: 'document', documentId }, now);
      return 'ok';
    });
  }

  /** Makes member `toUserId` the owner; the previous owner stays on as an editor. */
  async transferOwnership(documentId: string, fromUserId: string, toUserId: string, now: number): Promise<ChangeResult> {
    return this.db.transaction().execute(async (trx) => {
      const target = await trx.selectFrom('members').select('role').where('document_id', '=', documentId).where('user_id', '=', toUserId).executeTakeFirst();
      if (!target) return 'not_found';
      if (target.role === 'owner') return 'owner';
      await trx.updateTable('members').set({ role: 'editor' }).where('document_id', '=', documentId).where('user_id', '=', fromUserId).execute();
      await trx.updateTable('members').set({ role: 'owner' }).where('document_id', '=', documentId).where('user_id', '=', toUserId).execute();
      await recordAccessEvent(trx, { kind: 'document', documentId }, now);
      return 'ok';
    });
  }
}
