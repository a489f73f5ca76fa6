import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../lib/storage/db';
import { postgresUrlForTests } from '../../lib/storage/test-postgres';
import { client, signedInUser, startHarness, storedDoc, waitFor, type Harness } from './helpers';

/**
 * The collaboration server on the real Postgres of this machine: durable acknowledgements mean
 * committed in Postgres, compaction works there, and a restarted server loads what it stored.
 */
const url = postgresUrlForTests();
const schema = `server_${crypto.randomBytes(5).toString('hex')}`;
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ COMPACT_AFTER_UPDATES: '50' }, { target: { kind: 'postgres', url, schema } });
});
afterAll(async () => {
  await h?.stop();
  const c = openPostgres(url);
  await c.db.schema.dropSchema(schema).ifExists().cascade().execute();
  await c.close();
});

describe('collaboration server on Postgres', () => {
  it('acknowledges only committed updates, compacts, and reloads after a restart', async () => {
    expect(h.storage.connection.dialect).toBe('postgres');
    const a = await signedInUser(h.storage, h.config, 'Ada');
    const b = await signedInUser(h.storage, h.config, 'Bo');
    const doc = await h.storage.documents.create({ title: 'On Postgres', ownerId: a.user.id, now: Date.now() });
    await h.storage.members.share(doc.id, b.user.email, 'editor', Date.now());
    const ca = client(h, doc.id, a.cookie);
    const cb = client(h, doc.id, b.cookie);
    await waitFor(() => ca.provider.synced && cb.provider.synced, 5000, 'synced');

    for (let i = 0; i < 120; i++) (i % 2 ? ca : cb).doc.getText('t').insert(0, String(i % 10));
    await waitFor(() => ca.tracker.state.kind === 'saved' && cb.tracker.state.kind === 'saved' && ca.text().length === 120 && cb.text() === ca.text(), 10_000, 'saved and converged');
    // "saved" was shown: the text is already readable from Postgres.
    expect((await storedDoc(h.storage, doc.id)).getText('t').toString()).toBe(ca.text());
    // 120 updates passed the threshold of 50: the log was folded into a snapshot.
    await waitFor(async () => (await h.storage.snapshots.uptoId(doc.id)) !== undefined, 10_000, 'a snapshot');

    const before = ca.text();
    ca.destroy();
    cb.destroy();
    await h.restart();
    const again = client(h, doc.id, a.cookie);
    await waitFor(() => again.provider.synced, 5000, 'synced after restart');
    expect(again.text()).toBe(before);
    again.destroy();
  });
});
