import { migrate } from './migrations';
import { openTarget, type Connection, type StorageTarget } from './db';
import { Documents } from './documents';
import { Embeds } from './embed';
import { AccessEvents } from './events';
import { Links } from './links';
import { Members } from './members';
import { SessionAccessQuery } from './session-access';
import { Sessions } from './sessions';
import { Snapshots } from './snapshots';
import { Updates } from './updates';
import { Users } from './users';
import { Versions } from './versions';

export type { Role } from './schema';
export type { Access, DocumentSummary, DocumentInfo, Sharing, Via } from './documents';
export type { AccessEvent, AccessEventInput } from './events';
export type { EmbedKey, EmbedKeyInfo, EmbedRole, EmbedSession, EmbedSessionState, EmbedSettings } from './embed';
export { DEFAULT_EMBED_SETTINGS } from './embed';
export type { LinkState } from './links';
export type { LinkAccess } from './schema';
export type { ChangeResult, MemberEntry, GrantableRole } from './members';
export type { SessionInfo } from './sessions';
export type { SessionAccess } from './session-access';
export type { PublicUser } from './users';
export type { Snapshot } from './snapshots';
export type { EditMark, NewVersion, Version, VersionSummary } from './versions';
export { decodeSnapshotData, encodeSnapshotData } from './snapshots';
export type { StoredChunk, StoredRow, StoredState } from './updates';
export { READ_PAGE_ROWS } from './updates';
export { normalizeEmail } from './users';
export { isForeignKeyViolation } from './errors';
export type { StorageTarget } from './db';

/** The one storage layer: repositories over a Kysely connection (SQLite today, Postgres next). */
export class Storage {
  readonly users: Users;
  readonly sessions: Sessions;
  /** A session and one document's access together (every WebSocket upgrade). */
  readonly sessionAccess: SessionAccessQuery;
  readonly documents: Documents;
  readonly members: Members;
  readonly updates: Updates;
  readonly snapshots: Snapshots;
  readonly links: Links;
  readonly events: AccessEvents;
  readonly embeds: Embeds;
  readonly versions: Versions;

  constructor(readonly connection: Connection) {
    const { db } = connection;
    this.users = new Users(db);
    this.sessions = new Sessions(db);
    this.sessionAccess = new SessionAccessQuery(db, this.sessions);
    this.documents = new Documents(db);
    this.members = new Members(db);
    this.snapshots = new Snapshots(db);
    this.links = new Links(db);
    this.events = new AccessEvents(db);
    this.embeds = new Embeds(db);
    this.versions = new Versions(db);
    this.updates = new Updates(db, this.snapshots);
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}

export type StorageOptions = ({ sqliteFile: string } | { target: StorageTarget }) & {
  /**
   * Bring the schema up to date first (the default). A second connection opened by a process
   * that already migrated (the compaction worker) skips it.
   */
  migrate?: boolean;
};

/** Opens the database (a SQLite file unless a Postgres target is given), migrating it to the latest schema. */
export async function openStorage(options: StorageOptions): Promise<Storage> {
  const target: StorageTarget = 'target' in options ? options.target : { kind: 'sqlite', file: options.sqliteFile };
  const connection = openTarget(target);
  try {
    if (options.migrate ?? true) await migrate(connection.db, connection.dialect);
  } catch (e) {
    await connection.close();
    throw e;
  }
  return new Storage(connection);
}
