import type { Kysely } from 'kysely';
import { newId } from '../ids';
import type { Database, UserRow } from './schema';
import { isUniqueViolation } from './errors';

export type PublicUser = Pick<UserRow, 'id' | 'email' | 'name'>;

/** Normalises an email for storage and lookup. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export class Users {
  constructor(private readonly db: Kysely<Database>) {}

  /** Creates an account; returns null when the email is already taken. */
  async create(input: { email: string; name: string; passwordHash: string; now: number }): Promise<PublicUser | null> {
    const row = { id: newId(), email: normalizeEmail(input.email), name: input.name, password_hash: input.passwordHash, created_at: input.now };
    try {
      await this.db.insertInto('users').values(row).execute();
    } catch (e) {
      if (isUniqueViolation(e)) return null;
      throw e;
    }
    return { id: row.id, email: row.email, name: row.name };
  }

  async findByEmail(email: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('email', '=', normalizeEmail(email)).executeTakeFirst();
  }

  async passwordHash(id: string): Promise<string | undefined> {
    return (await this.db.selectFrom('users').select('password_hash').where('id', '=', id).executeTakeFirst())?.password_hash;
  }

  async setPasswordHash(id: string, hash: string): Promise<void> {
    await this.db.updateTable('users').set({ password_hash: hash }).where('id', '=', id).execute();
  }

  async findById(id: string): Promise<PublicUser | undefined> {
    return this.db.selectFrom('users').select(['id', 'email', 'name']).where('id', '=', id).executeTakeFirst();
  }
}
