import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Dialect } from './db';

/**
 * Schema migrations, written once for both SQLite and Postgres. Column types that differ
 * between the two come from `types(dialect)`. Never edit a migration that has shipped; add one.
 */
function types(dialect: Dialect) {
  return {
    time: dialect === 'postgres' ? ('bigint' as const) : ('integer' as const),
    bytes: dialect === 'postgres' ? ('bytea' as const) : ('blob' as const),
    /** Holds an `updates.id`, which is a bigserial in Postgres. */
    updateId: dialect === 'postgres' ? ('bigint' as const) : ('integer' as const),
  };
}

function migrations(dialect: Dialect): Record<string, Migration> {
  const t = types(dialect);
  return {
    '0001_foundation': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('users')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('email', 'text', (c) => c.notNull().unique())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('password_hash', 'text', (c) => c.notNull())
          .addColumn('created_at', t.time, (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('sessions')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('token_hash', 'text', (c) => c.notNull().unique())
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
          .addColumn('created_at', t.time, (c) => c.notNull())
          .addColumn('last_used_at', t.time, (c) => c.notNull())
          .addColumn('expires_at', t.time, (c) => c.notNull())
          .execute();
        await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();
        await db.schema
          .createTable('documents')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('created_at', t.time, (c) => c.notNull())
          .addColumn('updated_at', t.time, (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('members')
          .addColumn('document_id', 'text', (c) => c.notNull().references('documents.id').onDelete('cascade'))
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
          .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('owner', 'editor', 'viewer')`))
          .addColumn('created_at', t.time, (c) => c.notNull())
          .addPrimaryKeyConstraint('members_pk', ['document_id', 'user_id'])
          .execute();
        await db.schema.createIndex('members_user').on('members').column('user_id').execute();
        await db.schema
          .createTable('invites')
          .addColumn('document_id', 'text', (c) => c.notNull().references('documents.id').onDelete('cascade'))
          .addColumn('email', 'text', (c) => c.notNull())
          .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('editor', 'viewer')`))
          .addColumn('created_at', t.time, (c) => c.notNull())
          .addPrimaryKeyConstraint('invites_pk', ['document_id', 'email'])
          .execute();
        await db.schema.createIndex('invites_email').on('invites').column('email').execute();
        await db.schema
          .createTable('updates')
          .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
            dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
          )
          .addColumn('document_id', 'text', (c) => c.notNull().references('documents.id').onDelete('cascade'))
          .addColumn('data', t.bytes, (c) => c.notNull())
          .addColumn('created_at', t.time, (c) => c.notNull())
          .execute();
        await db.schema.createIndex('updates_document').on('updates').columns(['document_id', 'id']).execute();
      },
    },
    '0002_snapshots': {
      async up(db: Kysely<any>) {
        // One row per document; a document without a row has only its update log.
        await db.schema
          .createTable('snapshots')
          .addColumn('document_id', 'text', (c) => c.primaryKey().references('documents.id').onDelete('cascade'))
          .addColumn('data', t.bytes, (c) => c.notNull())
          .addColumn('upto_update_id', t.updateId, (c) => c.notNull())
          .addColumn('created_at', t.time, (c) => c.notNull())
          .execute();
      },
    },
    '0003_sharing': {
      async up(db: Kysely<any>) {
        // General access: nobody beyond members, or anyone who opens the link, as viewer or editor.
        await db.schema
          .alterTable('documents')
          .addColumn('link_access', 'text', (c) => c.notNull().defaultTo('restricted').check(sql`link_access in ('restricted', 'viewer', 'editor')`))
          .execute();
        await db.schema.alterTable('documents').addColumn('link_token', 'text').execute();
        await db.schema.createIndex('documents_link_token').on('documents').column('link_token').unique().execute();
        // Who opened the document through its current link; rotating the link clears them.
        await db.schema
          .createTable('link_grants')
          .addColumn('document_id', 'text', (c) => c.notNull().references('documents.id').onDelete('cascade'))
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
          .addColumn('created_at', t.time, (c) => c.notNull())
          .addPrimaryKeyConstraint('link_grants_pk', ['document_id', 'user_id'])
          .execute();
        // Outbox of access changes; collaboration servers poll it to update live connections.
        await db.schema
          .createTable('access_events')
          .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('document_id', 'text')
          .addColumn('user_id', 'text')
          .addColumn('session_id', 'text')
          .addColumn('created_at', t.time, (c) => c.notNull())
          .execute();
        await db.schema.createIndex('access_events_created').on('access_events').column('created_at').execute();
      },
    },
    '0004_embed': {
      async up(db: Kysely<any>) {
        // Who may frame a document and in which role its embedded visitors edit.
        await db.schema
          .createTable('embed_settings')
          .addColumn('document_id', 'text', (c) => c.primaryKey().references('documents.id').onDelete('cascade'))
          .addColumn('allowed_origins', 'text', (c) => c.notNull())
          .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('editor', 'viewer')`))
          .addColumn('updated_at', t.time, (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('embed_keys')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('document_id', 'text', (c) => c.notNull().references('documents.id').onDelete('cascade'))
          .addColumn('secret', 'text', (c) => c.notNull())
          .addColumn('label', 'text', (c) => c.notNull())
          // 'integration': made by the owner for a host's backend; 'app': the app's own, for tokens it mints for signed-in accounts.
          .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('integration', 'app')`))
          .addColumn('created_at', t.time, (c) => c.notNull())
          .addColumn('revoked_at', t.time)
          .execute();
        await db.schema.createIndex('embed_keys_document').on('embed_keys').column('document_id').execute();
        await db.schema
          .createTable('embed_jtis')
          .addColumn('key_id', 'text', (c) => c.notNull())
          .addColumn('jti', 'text', (c) => c.notNull())
          .addColumn('expires_at', t.time, (c) => c.notNull())
          .addPrimaryKeyConstraint('embed_jtis_pk', ['key_id', 'jti'])
          .execute();
        await db.schema.createIndex('embed_jtis_expires').on('embed_jtis').column('expires_at').execute();
        await db.schema
          .createTable('embed_sessions')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('token_hash', 'text', (c) => c.notNull().unique())
          .addColumn('document_id', 'text', (c) => c.notNull().references('documents.id').onDelete('cascade'))
          .addColumn('key_id', 'text', (c) => c.references('embed_keys.id').onDelete('cascade'))
          .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
          .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('editor', 'viewer')`))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('sub', 'text', (c) => c.notNull())
          .addColumn('origin', 'text', (c) => c.notNull())
          .addColumn('created_at', t.time, (c) => c.notNull())
          .addColumn('expires_at', t.time, (c) => c.notNull())
          .execute();
        await db.schema.createIndex('embed_sessions_document').on('embed_sessions').column('document_id').execute();
        await db.schema
          .createTable('embed_tickets')
          .addColumn('ticket_hash', 'text', (c) => c.primaryKey())
          .addColumn('session_id', 'text', (c) => c.notNull().references('embed_sessions.id').onDelete('cascade'))
          .addColumn('expires_at', t.time, (c) => c.notNull())
          .execute();
      },
    },
    '0005_versions': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('versions')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('document_id', 'text', (c) => c.notNull().references('documents.id').onDelete('cascade'))
          .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('auto', 'named', 'restore')`))
          .addColumn('name', 'text')
          .addColumn('data', t.bytes, (c) => c.notNull())
          .addColumn('editors', 'text', (c) => c.notNull().defaultTo('[]'))
          .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
          .addColumn('created_at', t.time, (c) => c.notNull())
          .execute();
        await db.schema.createIndex('versions_document').on('versions').columns(['document_id', 'created_at']).execute();
        await db.schema
          .createTable('edit_marks')
          .addColumn('document_id', 'text', (c) => c.notNull().references('documents.id').onDelete('cascade'))
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
          .addColumn('last_edited_at', t.time, (c) => c.notNull())
          .addPrimaryKeyConstraint('edit_marks_pk', ['document_id', 'user_id'])
          .execute();
      },
    },
  };
}

class InlineProvider implements MigrationProvider {
  constructor(private readonly dialect: Dialect) {}
  async getMigrations() {
    return migrations(this.dialect);
  }
}

/** Brings the schema up to date; safe to call on every start. */
export async function migrate(db: Kysely<any>, dialect: Dialect): Promise<void> {
  // Kysely looks for its bookkeeping tables in every schema it can see; on Postgres, name ours
  // (the first on the search path), or another schema's tables would be mistaken for them.
  const schema = dialect === 'postgres' ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s : undefined;
  const migrator = new Migrator({ db, provider: new InlineProvider(dialect), migrationTableSchema: schema });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message ?? error}`);
  }
}
