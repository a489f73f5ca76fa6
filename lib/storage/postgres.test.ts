import crypto from 'node:crypto';
import { afterAll } from 'vitest';
import { openStorage } from '.';
import { openPostgres } from './db';
import { storageContract } from './contract';
import { postgresUrlForTests } from './test-postgres';

// The same contract as SQLite, against the real Postgres named by DATABASE_URL (`.ci/run` sets it),
// in a schema of its own so parallel runs share the database without meeting.
const url = postgresUrlForTests();
const schema = `contract_${crypto.randomBytes(5).toString('hex')}`;
const target = { kind: 'postgres' as const, url, schema };

storageContract(
  'postgres',
  () => openStorage({ target }),
  () => openStorage({ target, migrate: false }),
);

afterAll(async () => {
  const c = openPostgres(url);
  await c.db.schema.dropSchema(schema).ifExists().cascade().execute();
  await c.close();
});
