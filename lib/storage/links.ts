import type { Kysely } from 'kysely';
import { newSecret } from '../ids';
import { recordAccessEvent } from './events';
import { linkRole } from './roles';
import type { Database, LinkAccess, Role } from './schema';

export interface LinkState {
  access: LinkAccess;
  /** Null until link sharing is first turned on. */
  token: string | null;
}

/** General access through an unguessable link, which the owner can turn off or reset. */
export class Links {
  constructor(private readonly db: Kysely<Database>) {}

  async get(documentId: string): Promise<LinkState | undefined> {
    const r = await this.db.selectFrom('documents').select(['link_access', 'link_token']).where('id', '=', documentId).executeTakeFirst();
    return r && { access: r.link_access, token: r.link_token };
  }

  /** Sets general access; the first time it is turned on, a token is made. */
  async setAccess(documentId: string, access: LinkAccess, now: number): Promise<LinkState> {
    return this.db.transaction().execute(async (trx) => {
      const cur = await trx.selectFrom('documents').select('link_token').where('id', '=', documentId).executeTakeFirstOrThrow();
      const token = cur.link_token ?? newSecret();
      await trx.updateTable('documents').set({ link_access: access, link_token: token }).where('id', '=', documentId).execute();
      await recordAccessEvent(trx, { kind: 'document', documentId }, now);
      return { access, token };
    });
  }

  /** Replaces the token: the old link stops working and people who came through it lose access. */
  async rotate(documentId: string, now: number): Promise<LinkState> {
    return this.db.transaction().execute(async (trx) => {
      const token = newSecret();
      await trx.updateTable('documents').set({ link_token: token }).where('id', '=', documentId).execute();
      await trx.deleteFrom('link_grants').where('document_id', '=', documentId).execute();
      await recordAccessEvent(trx, { kind: 'document', documentId }, now);
      const r = await trx.selectFrom('documents').select('link_access').where('id', '=', documentId).executeTakeFirstOrThrow();
      return { access: r.link_access, token };
    });
  }

  /**
   * Records that `userId` opened the document through its link, if `token` is its current
   * token and the link is on. Returns the role the link gives, or null.
   */
  async redeem(documentId: string, userId: string, token: string, now: number): Promise<Role | null> {
    const doc = await this.db.selectFrom('documents').select(['link_access', 'link_token']).where('id', '=', documentId).executeTakeFirst();
    const role = linkRole(doc?.link_access);
    if (!doc || !role || !doc.link_token || !timingSafeEqualText(doc.link_token, token)) return null;
    await this.db.insertInto('link_grants').values({ document_id: documentId, user_id: userId, created_at: now }).onConflict((oc) => oc.doNothing()).execute();
    return role;
  }
}

/** Compares secrets without an early exit that would leak how much of a guess was right. */
function timingSafeEqualText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
