import type { Generated, Insertable, Selectable } from 'kysely';

/** Roles on a document, strongest first. */
export type Role = 'owner' | 'editor' | 'viewer';

/** Times are milliseconds since the epoch in every table (integer in SQLite, bigint in Postgres). */
export interface UsersTable {
  id: string;
  /** Lower-cased and trimmed. */
  email: string;
  name: string;
  password_hash: string;
  created_at: number;
}

export interface SessionsTable {
  id: string;
  /** SHA-256 of the cookie token; the token itself is never stored. */
  token_hash: string;
  user_id: string;
  created_at: number;
  last_used_at: number;
  /** Absolute expiry. */
  expires_at: number;
}

/** General access of a document: members only, or anyone with the link in a role. */
export type LinkAccess = 'restricted' | 'viewer' | 'editor';

export interface DocumentsTable {
  id: string;
  title: string;
  created_at: number;
  updated_at: number;
  link_access: Generated<LinkAccess>;
  /** The secret in the share link; null until link sharing is first turned on. */
  link_token: string | null;
}

export interface LinkGrantsTable {
  document_id: string;
  user_id: string;
  created_at: number;
}

/**
 * An access change live connections must react to:
 * - `document`: access to the document changed (members, invitations, link): re-check its connections;
 * - `deleted`: the document is gone;
 * - `session`: one session was revoked;
 * - `user-sessions`: every session of `user_id` was revoked, except `session_id` if set.
 */
/** `renamed` is not an access change, but rides the same outbox to reach open pages and lists. */
export type AccessEventKind = 'document' | 'deleted' | 'renamed' | 'session' | 'user-sessions';

export interface AccessEventsTable {
  id: Generated<number>;
  kind: AccessEventKind;
  document_id: string | null;
  user_id: string | null;
  session_id: string | null;
  created_at: number;
}

export interface MembersTable {
  document_id: string;
  user_id: string;
  role: Role;
  created_at: number;
}

/** Access granted to an email that has no account yet; becomes a membership at sign-up. */
export interface InvitesTable {
  document_id: string;
  email: string;
  role: Exclude<Role, 'owner'>;
  created_at: number;
}

/** The per-document update log: every Yjs update, appended as it arrives. */
export interface UpdatesTable {
  id: Generated<number>;
  document_id: string;
  data: Uint8Array;
  created_at: number;
}

/**
 * A document's compacted state, equal to the snapshot before it plus every update-log row with
 * `id <= upto_update_id`; those rows are ignored at load and deleted after the snapshot is
 * committed. `data` holds Yjs updates to apply in order (see `encodeSnapshotData`), so a large
 * document loads a segment per event-loop turn.
 */
export interface SnapshotsTable {
  document_id: string;
  data: Uint8Array;
  upto_update_id: number;
  created_at: number;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  documents: DocumentsTable;
  members: MembersTable;
  invites: InvitesTable;
  updates: UpdatesTable;
  snapshots: SnapshotsTable;
  link_grants: LinkGrantsTable;
  access_events: AccessEventsTable;
}

export type UserRow = Selectable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type DocumentRow = Selectable<DocumentsTable>;
export type NewUpdate = Insertable<UpdatesTable>;
