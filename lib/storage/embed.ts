import type { Kysely } from 'kysely';
import { hashSecret, newId, newSecret } from '../ids';
import { recordAccessEvent } from './events';
import type { Database, Role } from './schema';

export type EmbedRole = Exclude<Role, 'owner'>;

export interface EmbedSettings {
  /** Exact origins allowed to frame the document; empty means nobody. */
  allowedOrigins: string[];
  role: EmbedRole;
}

export interface EmbedKeyInfo {
  id: string;
  label: string;
  createdAt: number;
  revokedAt: number | null;
}

export interface EmbedKey extends EmbedKeyInfo {
  documentId: string;
  kind: 'integration' | 'app';
  secret: string;
}

export interface EmbedSession {
  id: string;
  documentId: string;
  keyId: string | null;
  userId: string | null;
  role: EmbedRole;
  name: string;
  sub: string;
  origin: string;
  createdAt: number;
  expiresAt: number;
}

/** A session with what its live access depends on: its key and the document's settings. */
export interface EmbedSessionState {
  session: EmbedSession;
  /** Null for sessions the app minted for an account (no key). */
  keyRevoked: boolean | null;
  settings: EmbedSettings;
}

export type NewEmbedSession = Omit<EmbedSession, 'id' | 'createdAt' | 'expiresAt'> & { token: string; now: number; ttlMs: number };

/** Until the owner saves settings: nobody may frame the document, visitors would be viewers. */
export const DEFAULT_EMBED_SETTINGS: EmbedSettings = { allowedOrigins: [], role: 'viewer' };

function parseOrigins(json: string): string[] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** Embedding: per-document settings, integration keys, one-time token ids, sessions and socket tickets. */
export class Embeds {
  constructor(private readonly db: Kysely<Database>) {}

  async settings(documentId: string): Promise<EmbedSettings> {
    const r = await this.db.selectFrom('embed_settings').select(['allowed_origins', 'role']).where('document_id', '=', documentId).executeTakeFirst();
    return r ? { allowedOrigins: parseOrigins(r.allowed_origins), role: r.role } : { ...DEFAULT_EMBED_SETTINGS, allowedOrigins: [] };
  }

  /** Replaces the settings; open embedded connections follow (an origin removed closes its sessions). */
  async setSettings(documentId: string, s: EmbedSettings, now: number): Promise<EmbedSettings> {
    await this.db.transaction().execute(async (trx) => {
      const values = { allowed_origins: JSON.stringify(s.allowedOrigins), role: s.role, updated_at: now };
      await trx
        .insertInto('embed_settings')
        .values({ document_id: documentId, ...values })
        .onConflict((oc) => oc.column('document_id').doUpdateSet(values))
        .execute();
      await recordAccessEvent(trx, { kind: 'document', documentId }, now);
    });
    return { allowedOrigins: [...s.allowedOrigins], role: s.role };
  }

  /** Makes a key; the secret is returned here only (listings never include it). */
  async createKey(documentId: string, label: string, now: number): Promise<EmbedKey> {
    const key = { id: newId(), document_id: documentId, secret: newSecret(), label, kind: 'integration' as const, created_at: now, revoked_at: null };
    await this.db.insertInto('embed_keys').values(key).execute();
    return { id: key.id, documentId, kind: 'integration', secret: key.secret, label, createdAt: now, revokedAt: null };
  }

  /** The document's app key (made on first use), which signs the tokens the app mints for accounts. */
  async appKey(documentId: string, now: number): Promise<EmbedKey> {
    const found = await this.db.selectFrom('embed_keys').select('id').where('document_id', '=', documentId).where('kind', '=', 'app').executeTakeFirst();
    if (found) return (await this.findKey(found.id))!;
    const key = { id: newId(), document_id: documentId, secret: newSecret(), label: 'Tandem accounts', kind: 'app' as const, created_at: now, revoked_at: null };
    await this.db.insertInto('embed_keys').values(key).execute();
    return (await this.appKey(documentId, now))!;
  }

  /** The document's keys, newest first, without secrets. */
  async listKeys(documentId: string): Promise<EmbedKeyInfo[]> {
    const rows = await this.db.selectFrom('embed_keys').select(['id', 'label', 'created_at', 'revoked_at']).where('document_id', '=', documentId).where('kind', '=', 'integration').orderBy('created_at', 'desc').orderBy('id').execute();
    return rows.map((r) => ({ id: r.id, label: r.label, createdAt: Number(r.created_at), revokedAt: r.revoked_at === null ? null : Number(r.revoked_at) }));
  }

  async findKey(id: string): Promise<EmbedKey | undefined> {
    const r = await this.db.selectFrom('embed_keys').selectAll().where('id', '=', id).executeTakeFirst();
    return r && { id: r.id, documentId: r.document_id, kind: r.kind, secret: r.secret, label: r.label, createdAt: Number(r.created_at), revokedAt: r.revoked_at === null ? null : Number(r.revoked_at) };
  }

  /** Revokes a key: tokens signed with it are refused and its sessions' connections close. */
  async revokeKey(documentId: string, keyId: string, now: number): Promise<'ok' | 'not_found'> {
    return this.db.transaction().execute(async (trx) => {
      const r = await trx.updateTable('embed_keys').set({ revoked_at: now }).where('id', '=', keyId).where('document_id', '=', documentId).where('kind', '=', 'integration').where('revoked_at', 'is', null).executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) return 'not_found';
      await recordAccessEvent(trx, { kind: 'document', documentId }, now);
      return 'ok';
    });
  }

  /**
   * Marks a token id as used until `expiresAt`; false if it was used before (a replay). Ids
   * of expired tokens are forgotten: the expiry check refuses those tokens anyway.
   */
  async consumeJti(keyId: string, jti: string, expiresAt: number, now: number): Promise<boolean> {
    await this.db.deleteFrom('embed_jtis').where('expires_at', '<', now).execute();
    const r = await this.db.insertInto('embed_jtis').values({ key_id: keyId, jti, expires_at: expiresAt }).onConflict((oc) => oc.doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async createSession(input: NewEmbedSession): Promise<EmbedSession> {
    const id = newId();
    const expiresAt = input.now + input.ttlMs;
    await this.db
      .insertInto('embed_sessions')
      .values({
        id,
        token_hash: hashSecret(input.token),
        document_id: input.documentId,
        key_id: input.keyId,
        user_id: input.userId,
        role: input.role,
        name: input.name,
        sub: input.sub,
        origin: input.origin,
        created_at: input.now,
        expires_at: expiresAt,
      })
      .execute();
    const { token: _t, now, ttlMs: _ttl, ...rest } = input;
    return { id, ...rest, createdAt: now, expiresAt };
  }

  /** The session behind a cookie value, with its key and the document's settings. */
  stateByToken(token: string): Promise<EmbedSessionState | undefined> {
    return this.state('token_hash', hashSecret(token));
  }

  stateById(id: string): Promise<EmbedSessionState | undefined> {
    return this.state('id', id);
  }

  private async state(column: 'id' | 'token_hash', value: string): Promise<EmbedSessionState | undefined> {
    const r = await this.db
      .selectFrom('embed_sessions as s')
      .leftJoin('embed_keys as k', 'k.id', 's.key_id')
      .leftJoin('embed_settings as e', 'e.document_id', 's.document_id')
      .select(['s.id', 's.document_id', 's.key_id', 's.user_id', 's.role', 's.name', 's.sub', 's.origin', 's.created_at', 's.expires_at', 'k.revoked_at', 'e.allowed_origins', 'e.role as settings_role'])
      .where(`s.${column}`, '=', value)
      .executeTakeFirst();
    if (!r) return undefined;
    return {
      session: {
        id: r.id,
        documentId: r.document_id,
        keyId: r.key_id,
        userId: r.user_id,
        role: r.role,
        name: r.name,
        sub: r.sub,
        origin: r.origin,
        createdAt: Number(r.created_at),
        expiresAt: Number(r.expires_at),
      },
      keyRevoked: r.key_id === null ? null : r.revoked_at !== null,
      settings: r.allowed_origins === null ? { ...DEFAULT_EMBED_SETTINGS, allowedOrigins: [] } : { allowedOrigins: parseOrigins(r.allowed_origins), role: r.settings_role ?? 'viewer' },
    };
  }

  /** Issues a one-time ticket for the session's next socket; returns the ticket. */
  async createTicket(sessionId: string, now: number, ttlMs: number): Promise<string> {
    const ticket = newSecret();
    await this.db.deleteFrom('embed_tickets').where('expires_at', '<', now).execute();
    await this.db.insertInto('embed_tickets').values({ ticket_hash: hashSecret(ticket), session_id: sessionId, expires_at: now + ttlMs }).execute();
    return ticket;
  }

  /** Uses up a ticket: the session it was issued for, or undefined if unknown, used or expired. */
  async redeemTicket(ticket: string, now: number): Promise<string | undefined> {
    const r = await this.db.deleteFrom('embed_tickets').where('ticket_hash', '=', hashSecret(ticket)).returning(['session_id', 'expires_at']).executeTakeFirst();
    return r && Number(r.expires_at) > now ? r.session_id : undefined;
  }

  /** Ends a session early (tests and maintenance); its connections close at the next check. */
  async endSession(id: string): Promise<void> {
    await this.db.deleteFrom('embed_sessions').where('id', '=', id).execute();
  }
}
