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
 * - `user-sessions`: every session of `user_id` was revoked, except `session_id` if set;
 * - `content`: the stored document gained a change made outside the collaboration servers (a
 *   restored version): servers holding it open apply what is stored.
 */
/** `renamed` is not an access change, but rides the same outbox to reach open pages and lists. */
export type AccessEventKind = 'document' | 'deleted' | 'renamed' | 'session' | 'user-sessions' | 'content';

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

/** Embedding settings of a document (one row once the owner sets them). */
export interface EmbedSettingsTable {
  document_id: string;
  /** JSON array of exact origins (`scheme://host[:port]`) allowed to frame the document. */
  allowed_origins: string;
  /** The strongest role an embedded visitor can get; a token may ask for less. */
  role: Exclude<Role, 'owner'>;
  updated_at: number;
}

/** An integration key: the HS256 secret a host's backend signs embed tokens with. */
export interface EmbedKeysTable {
  id: string;
  document_id: string;
  /** The secret itself: HMAC verification needs it (see docs/SECURITY.md). */
  secret: string;
  label: string;
  /** `integration` keys are the owner's; the one `app` key signs tokens the app mints for accounts. */
  kind: 'integration' | 'app';
  created_at: number;
  /** Set when revoked; kept so a token signed with it is refused as "revoked", not "unknown". */
  revoked_at: number | null;
}

/** Token ids already exchanged, kept until the token expires: each token works once. */
export interface EmbedJtisTable {
  key_id: string;
  jti: string;
  expires_at: number;
}

/**
 * A session scoped to one document, made by exchanging an embed token. `key_id` is set for
 * tokens signed with an integration key, `user_id` for tokens the app minted for an account.
 */
export interface EmbedSessionsTable {
  id: string;
  /** SHA-256 of the cookie value. */
  token_hash: string;
  document_id: string;
  key_id: string | null;
  user_id: string | null;
  /** The role the token asked for; the live role is never stronger than the settings allow. */
  role: Exclude<Role, 'owner'>;
  name: string;
  sub: string;
  origin: string;
  created_at: number;
  expires_at: number;
}

/** One-time tickets for the collaboration socket, when the browser refused the session cookie. */
export interface EmbedTicketsTable {
  /** SHA-256 of the ticket. */
  ticket_hash: string;
  session_id: string;
  expires_at: number;
}

/** How a version came to be. */
export type VersionKind = 'auto' | 'named' | 'restore';

/**
 * A saved state of a document. `data` is the whole document as one Yjs update (all content,
 * all deletions), so it can be shown or restored with Yjs garbage collection on.
 */
export interface VersionsTable {
  id: string;
  document_id: string;
  kind: VersionKind;
  name: string | null;
  data: Uint8Array;
  /** Account ids that changed the document between the previous version and this one (JSON array). */
  editors: string;
  created_by: string | null;
  created_at: number;
}

/** Who edited a document when: what versions list as "edited since the previous one". */
export interface EditMarksTable {
  document_id: string;
  user_id: string;
  last_edited_at: number;
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
  embed_settings: EmbedSettingsTable;
  embed_keys: EmbedKeysTable;
  embed_jtis: EmbedJtisTable;
  embed_sessions: EmbedSessionsTable;
  embed_tickets: EmbedTicketsTable;
  versions: VersionsTable;
  edit_marks: EditMarksTable;
}

export type UserRow = Selectable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type DocumentRow = Selectable<DocumentsTable>;
export type NewUpdate = Insertable<UpdatesTable>;
