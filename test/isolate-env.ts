/**
 * Vitest setup for every test file. `.ci/run` exports DATABASE_URL and REDIS_URL for the suites
 * that use the machine's Postgres and Redis; every other test builds its own configuration and
 * its own SQLite file, and servers it spawns inherit this environment. So the two variables move
 * to TEST_DATABASE_URL / TEST_REDIS_URL, where only the suites that ask for them look.
 */
for (const name of ['DATABASE_URL', 'REDIS_URL'] as const) {
  const value = process.env[name];
  if (value !== undefined) {
    process.env[`TEST_${name}`] ??= value;
    delete process.env[name];
  }
}
