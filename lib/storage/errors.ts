/** True when `e` is a unique or primary-key violation, in SQLite or Postgres. */
export function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string };
  return err?.code === 'SQLITE_CONSTRAINT_UNIQUE' || err?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || err?.code === '23505';
}

/** True when `e` is a foreign-key violation (e.g. writing to a document that was deleted). */
export function isForeignKeyViolation(e: unknown): boolean {
  const err = e as { code?: string };
  return err?.code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || err?.code === '23503';
}
