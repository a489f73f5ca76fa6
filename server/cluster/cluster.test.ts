import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { clusterChannel, decodeClusterMessage, encodeClusterMessage, type ClusterMessage } from '../../lib/protocol';
import { CompactionWorker } from '../compaction/worker-client';
import type { CompactionOutcome } from '../compaction/compact';
import { client, freePort, signedInUser, startHarness, waitFor, type Harness } from '../test/helpers';
import { startRedis, type RedisProcess } from '../test/redis-process';
import { LockedCompactor } from './compaction-lock';

/**
 * One real server with REDIS_URL, and this test playing another server on the real Redis:
 * it reads what the server publishes and publishes crafted messages (gaps, garbage) to it.
 */
let redis: RedisProcess;
let h: Harness;
let sub: Redis;
let pub: Redis;
const heard: ClusterMessage[] = [];

beforeAll(async () => {
  redis = await startRedis(await freePort());
  h = await startHarness({ REDIS_URL: redis.url });
  sub = new Redis(redis.url);
  pub = new Redis(redis.url);
  await sub.psubscribe('tandem:doc:*');
  sub.on('pmessageBuffer', (_p: Buffer, _c: Buffer, m: Buffer) => {
    try {
      heard.push(decodeClusterMessage(new Uint8Array(m)));
    } catch {
      // The garbage this test publishes itself.
    }
  });
});
afterAll(async () => {
  sub?.disconnect();
  pub?.disconnect();
  await h?.stop();
  await redis?.stop();
});

async function openDocument() {
  const a = await signedInUser(h.storage, h.config, 'Ada');
  const doc = await h.storage.documents.create({ title: 'Gaps', ownerId: a.user.id, now: Date.now() });
  const c = client(h, doc.id, a.cookie);
  await waitFor(() => c.provider.synced, 5000, 'synced');
  // The room announces itself with a sync request once it follows the channel.
  await waitFor(() => heard.some((m) => m.type === 'sync-request'), 5000, 'sync request on join');
  return { doc, c };
}

const updateOf = (text: string, clientID: number) => {
  const d = new Y.Doc();
  d.clientID = clientID;
  d.getText('t').insert(0, text);
  return Y.encodeStateAsUpdate(d);
};

describe('cluster link over Redis', () => {
  it('relays local changes, applies remote ones, and answers a gap with a resync request', async () => {
    const { doc, c } = await openDocument();
    c.doc.getText('t').insert(0, 'local ');
    await waitFor(() => heard.some((m) => m.type === 'update'), 5000, 'relayed update');
    await waitFor(() => heard.some((m) => m.type === 'durable'), 5000, 'durable confirmation');

    const channel = clusterChannel(doc.id);
    const send = (m: ClusterMessage) => pub.publish(channel, Buffer.from(encodeClusterMessage(m)));
    await send({ type: 'update', from: 'other', seq: 1, update: updateOf('remote ', 7001) });
    await waitFor(() => c.text().includes('remote '), 5000, 'remote change reached the client');

    heard.length = 0;
    // Sequence 2 never arrives: sequence 3 reveals the gap.
    await send({ type: 'update', from: 'other', seq: 3, update: updateOf('third ', 7003) });
    await waitFor(() => heard.some((m) => m.type === 'sync-request'), 5000, 'resync requested after the gap');
    heard.length = 0;
    // A lost last message: `heads` says 5 were sent, 3 arrived.
    await send({ type: 'heads', from: 'other', seq: 5 });
    await waitFor(() => heard.some((m) => m.type === 'sync-request'), 5000, 'resync requested after heads');

    // Answering the request heals: the server applies the reply addressed to it.
    const req = heard.find((m) => m.type === 'sync-request')!;
    const reply = updateOf('healed ', 7004);
    await send({ type: 'sync-reply', from: 'other', seq: 6, to: req.from, update: reply });
    await waitFor(() => c.text().includes('healed '), 5000, 'reply applied');
    const metrics = await (await fetch(`http://127.0.0.1:${h.server.port}/metrics`)).text();
    expect(metrics).toMatch(/tandem_cluster_messages\{kind="gaps"\} [1-9]/);
    expect(metrics).toMatch(/tandem_cluster_redis_up 1/);
    c.destroy();
  });

  it('answers another server\'s sync request with what it lacks, and survives garbage on the channel', async () => {
    const { doc, c } = await openDocument();
    c.doc.getText('t').insert(0, 'only here');
    await waitFor(() => c.tracker.state.kind === 'saved', 5000, 'saved');
    const channel = clusterChannel(doc.id);
    heard.length = 0;
    await pub.publish(channel, Buffer.from([1, 2, 3, 255]));
    await pub.publish(channel, Buffer.from(encodeClusterMessage({ type: 'update', from: 'junk', seq: 1, update: new Uint8Array([9, 9, 9]) })));
    await pub.publish(channel, Buffer.from(encodeClusterMessage({ type: 'sync-request', from: 'newcomer', seq: 1, stateVector: Y.encodeStateVector(new Y.Doc()), answer: false })));
    await waitFor(() => heard.some((m) => m.type === 'sync-reply' && m.to === 'newcomer'), 5000, 'sync reply');
    const r = heard.find((m): m is Extract<ClusterMessage, { type: 'sync-reply' }> => m.type === 'sync-reply')!;
    const d = new Y.Doc();
    Y.applyUpdate(d, r.update);
    expect(d.getText('t').toString()).toBe('only here');
    // Still serving.
    c.doc.getText('t').insert(0, '+');
    await waitFor(() => c.tracker.state.kind === 'saved', 5000, 'saved after garbage');
    c.destroy();
  });
});

describe('compaction lock', () => {
  it('lets exactly one server compact a document at a time, and none while Redis is away', async () => {
    const a = await signedInUser(h.storage, h.config, 'Compactor');
    const doc = await h.storage.documents.create({ title: 'Lock', ownerId: a.user.id, now: Date.now() });
    const other = await h.storage.documents.create({ title: 'Lock 2', ownerId: a.user.id, now: Date.now() });
    for (const id of [doc.id, other.id]) {
      await h.storage.updates.append(Array.from({ length: 200 }, (_, i) => ({ documentId: id, data: updateOf(`row ${i} `, 8000 + i) })), Date.now());
    }
    const worker = new CompactionWorker({ target: h.config.storage });
    let running = 0;
    let most = 0;
    const counted = {
      run: async (id: string): Promise<CompactionOutcome> => {
        most = Math.max(most, ++running);
        try {
          return await worker.run(id);
        } finally {
          running -= 1;
        }
      },
      close: () => worker.close(),
    };
    const r1 = new Redis(redis.url);
    const r2 = new Redis(redis.url);
    const one = new LockedCompactor(counted, r1, () => true);
    const two = new LockedCompactor(counted, r2, () => true);
    const [x, y] = await Promise.all([one.run(doc.id), two.run(doc.id)]);
    expect([x.kind, y.kind].sort()).toEqual(['compacted', 'elsewhere']);
    expect(most).toBe(1);
    // Released afterwards; different documents do not wait on each other.
    const [p, q] = await Promise.all([two.run(doc.id), one.run(other.id)]);
    expect([p.kind, q.kind]).toEqual(['nothing-to-do', 'compacted']);
    // Nothing was lost by the folding.
    const d = new Y.Doc();
    for (const u of await h.storage.updates.load(doc.id)) Y.applyUpdate(d, u);
    expect(d.getText('t').toString().match(/row \d+ /g)).toHaveLength(200);
    // Without Redis, no lock, so nothing is compacted.
    const away = new LockedCompactor(counted, r1, () => false);
    expect((await away.run(doc.id)).kind).toBe('elsewhere');
    r1.disconnect();
    r2.disconnect();
    await worker.close();
  });
});
