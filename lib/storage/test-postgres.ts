/**
 * The Postgres the tests use: DATABASE_URL as `.ci/run` exports it (moved to TEST_DATABASE_URL
 * by test/isolate-env.ts), else the one this project's machines run. A suite that needs
 * Postgres fails loudly when it is not there; it never skips.
 */
export function postgresUrlForTests(): string {
  const url = (process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL)?.trim();
  if (url && /^postgres(ql)?:\/\//.test(url)) return url;
  return 'postgres://postgres@127.0.0.1:5432/test';
}
