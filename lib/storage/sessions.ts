import type { CompiledQuery, Kysely } from 'kysely';
import { hashSecret, newId } from '../ids';
import { recordAccessEvent } from './events';
import { precompiled } from './precompiled';
import type { Database } from './schema';
import type { PublicUser } from './users';

export interface SessionInfo {
  id: string;
  user: PublicUser;
  createdAt: number;
  expiresAt: number;
}

/**
 * Write `last_used_at` at most this often, so reads do not turn into a write per request;
 * never less often than a tenth of the idle timeout, or an active session could lapse.
 */
const TOUCH_EVERY_MS = 60_000;

/** A session and its account as stored (see Sessions.live). */
export interface SessionRow {
  id: string;
  created_at: number;
  last_used_at: number;
  expires_at: number;
  user_id: string;
  email: string;
  name: string;
}

export class Sessions {
  /** The session and account behind a token hash (every WebSocket upgrade asks). */
  private readonly byTokenHash: (...args: [string]) => CompiledQuery;

  constructor(private readonly db: Kysely<Database>) {
    this.byTokenHash = precompiled(this.db, 1, (tokenHash: string) =>
      this.db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .select(['sessions.id as id', 'sessions.created_at', 'sessions.last_used_at', 'sessions.expires_at', 'users.id as user_id', 'users.email', 'users.name'])
        .where('sessions.token_hash', '=', tokenHash),
    );
  }

  /** Stores a new session for `token` (only its hash is kept). */
  async create(input: { userId: string; token: string; now: number; maxAgeMs: number }): Promise<SessionInfo & { id: string }> {
    const id = newId();
    const expiresAt = input.now + input.maxAgeMs;
    await this.db
      .insertInto('sessions')
      .values({ id, token_hash: hashSecret(input.token), user_id: input.userId, created_at: input.now, last_used_at: input.now, expires_at: expiresAt })
      .execute();
    const user = await this.db.selectFrom('users').select(['id', 'email', 'name']).where('id', '=', input.userId).executeTakeFirstOrThrow();
    return { id, user, createdAt: input.now, expiresAt };
  }

  /**
   * The live session for `token`, or undefined when there is none or it passed its idle or
   * absolute expiry. Refreshes the idle clock (throttled, see TOUCH_EVERY_MS).
   */
  async resolve(token: string, now: number, idleMs: number): Promise<SessionInfo | undefined> {
    const [row] = (await this.db.executeQuery<SessionRow>(this.byTokenHash(hashSecret(token)))).rows;
    return row && this.live(row, now, idleMs);
  }

  /**
   * The session of a row read by its token, or undefined when it passed its idle or absolute
   * expiry (it is deleted then). Refreshes the idle clock (throttled, see TOUCH_EVERY_MS).
   */
  async live(row: SessionRow, now: number, idleMs: number): Promise<SessionInfo | undefined> {
    const lastUsed = Number(row.last_used_at);
    const expiresAt = Number(row.expires_at);
    if (now >= expiresAt || now - lastUsed >= idleMs) {
      await this.db.deleteFrom('sessions').where('id', '=', row.id).execute();
      return undefined;
    }
    if (now - lastUsed >= Math.min(TOUCH_EVERY_MS, idleMs / 10)) {
      await this.db.updateTable('sessions').set({ last_used_at: now }).where('id', '=', row.id).execute();
    }
    return { id: row.id, user: { id: row.user_id, email: row.email, name: row.name }, createdAt: Number(row.created_at), expiresAt };
  }

  /** Ends the session behind `token`; its live connections close (access event). */
  async revokeToken(token: string, now = Date.now()): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const row = await trx.deleteFrom('sessions').where('token_hash', '=', hashSecret(token)).returning('id').executeTakeFirst();
      if (row) await recordAccessEvent(trx, { kind: 'session', sessionId: row.id }, now);
    });
  }

  /** Ends every session of the account, except `exceptSessionId`; their live connections close. */
  async revokeAllForUser(userId: string, exceptSessionId?: string, now = Date.now()): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      let q = trx.deleteFrom('sessions').where('user_id', '=', userId);
      if (exceptSessionId) q = q.where('id', '!=', exceptSessionId);
      await q.execute();
      await recordAccessEvent(trx, { kind: 'user-sessions', userId, exceptSessionId }, now);
    });
  }

  /**
   * Which of `ids` are still live sessions at `now`; those in `active` (their connections did
   * something since the last check) have their idle clock refreshed.
   */
  async stillLive(ids: string[], active: Set<string>, now: number, idleMs: number): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db.selectFrom('sessions').select(['id', 'last_used_at', 'expires_at']).where('id', 'in', ids).execute();
    const live = rows.filter((r) => now < Number(r.expires_at) && now - Number(r.last_used_at) < idleMs).map((r) => r.id);
    const touch = live.filter((id) => active.has(id));
    if (touch.length) await this.db.updateTable('sessions').set({ last_used_at: now }).where('id', 'in', touch).execute();
    return new Set(live);
  }

  /** Test and maintenance hook: moves a session's clocks, e.g. to make it expire. */
  async setTimes(token: string, times: { lastUsedAt?: number; expiresAt?: number }): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({ ...(times.lastUsedAt !== undefined && { last_used_at: times.lastUsedAt }), ...(times.expiresAt !== undefined && { expires_at: times.expiresAt }) })
      .where('token_hash', '=', hashSecret(token))
      .execute();
  }
}
