import crypto from 'node:crypto';
import * as prng from 'lib0/prng';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { connectDocument } from '../../lib/client/provider';
import { openStorage, type Storage } from '../../lib/storage';
import { openPostgres } from '../../lib/storage/db';
import { postgresUrlForTests } from '../../lib/storage/test-postgres';
import { APP_ORIGIN, freePort, signedInUser, socketWith, storedDoc, testConfig, waitFor, type Client } from './helpers';
import { startServerProcess, type ServerProcess } from './process';
import type { LiveEvent } from '../../lib/protocol/live';
import { openLiveOn } from './live-stream';
import { startRedis, type RedisProcess } from './redis-process';

/**
 * Three collaboration server processes on the real Postgres, with a Redis of their own between
 * them (so it can be restarted). Clients on different servers edit one document.
 */
const config = testConfig();
const pgUrl = postgresUrlForTests();
const schema = `cluster_${crypto.randomBytes(5).toString('hex')}`;
const target = { kind: 'postgres' as const, url: pgUrl, schema };
let storage: Storage;
let redis: RedisProcess;
const servers: ServerProcess[] = [];

function withSchema(url: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

async function startServer(port?: number): Promise<ServerProcess> {
  const env = { DATA_DIR: config.dataDir, APP_ORIGIN, DATABASE_URL: withSchema(pgUrl), REDIS_URL: redis.url, ROOM_UNLOAD_DELAY: '0' };
  return startServerProcess(env, port ?? (await freePort()));
}

/** A client on `server` editing `doc` (an existing Y.Doc keeps its changes across servers). */
function clientOn(server: ServerProcess, documentId: string, cookie: string, doc = new Y.Doc()): Client {
  const conn = connectDocument({ url: server.url, documentId, doc, Socket: socketWith({ cookie, origin: APP_ORIGIN }) });
  return Object.assign(conn, { doc, text: () => doc.getText('t').toString() });
}

const tokensOf = (d: Y.Doc) => d.getArray<string>('tokens').toArray();
const sorted = (xs: string[]) => [...xs].sort();

beforeAll(async () => {
  storage = await openStorage({ target });
  redis = await startRedis(await freePort());
  for (let i = 0; i < 3; i++) servers.push(await startServer());
}, 60_000);

afterAll(async () => {
  for (const s of servers) s.child.kill('SIGKILL');
  await redis?.stop();
  await storage?.close();
  const c = openPostgres(pgUrl);
  await c.db.schema.dropSchema(schema).ifExists().cascade().execute();
  await c.close();
});

async function documentWithWriters(n: number) {
  const owner = await signedInUser(storage, config, 'Owner');
  const doc = await storage.documents.create({ title: 'Cluster', ownerId: owner.user.id, now: Date.now() });
  const users = [owner];
  for (let i = 1; i < n; i++) {
    const u = await signedInUser(storage, config, `Writer ${i}`);
    await storage.members.share(doc.id, u.user.email, 'editor', Date.now());
    await storage.members.acceptInvite(doc.id, u.user.id, u.user.email, Date.now());
    users.push(u);
  }
  return { doc, users };
}

/** Each client inserts unique tokens at random places until `stop()`. */
function typeTokens(clients: () => Client[], seed: number) {
  const g = prng.create(seed);
  const typed: string[][] = clients().map(() => []);
  let writing = true;
  const loops = clients().map((_, i) =>
    (async () => {
      while (writing) {
        const list = clients()[i].doc.getArray<string>('tokens');
        const token = `${i}.${typed[i].length}`;
        list.insert(prng.uint32(g, 0, list.length), [token]);
        typed[i].push(token);
        await new Promise((r) => setTimeout(r, prng.uint32(g, 2, 12)));
      }
    })(),
  );
  return {
    typed,
    async stop() {
      writing = false;
      await Promise.all(loops);
    },
  };
}

let replacement: Promise<ServerProcess> | undefined;

describe('several collaboration servers over Redis and Postgres', () => {
  beforeEach(async () => {
    if (replacement) servers[0] = await replacement;
    replacement = undefined;
  });

  it('clients spread over three servers type at once and converge, everything stored', async () => {
    const { doc, users } = await documentWithWriters(6);
    const clients = users.map((u, i) => clientOn(servers[i % 3], doc.id, u.cookie));
    await waitFor(() => clients.every((c) => c.provider.synced), 10_000, 'synced');
    const t = typeTokens(() => clients, 1);
    await new Promise((r) => setTimeout(r, 1500));
    await t.stop();
    const all = sorted(t.typed.flat());
    expect(all.length).toBeGreaterThan(100);
    await waitFor(() => clients.every((c) => tokensOf(c.doc).length === all.length), 20_000, 'every client has every token');
    const order = tokensOf(clients[0].doc);
    for (const c of clients) expect(tokensOf(c.doc)).toEqual(order);
    await waitFor(() => clients.every((c) => c.tracker.state.kind === 'saved'), 20_000, 'all saved');
    expect(sorted(tokensOf(await storedDoc(storage, doc.id)))).toEqual(all);
    clients.forEach((c) => c.destroy());
  }, 60_000);

  it('shows each person on every server (awareness crosses servers, stamped by the server that admitted them)', async () => {
    const { doc, users } = await documentWithWriters(3);
    const clients = users.map((u, i) => clientOn(servers[i], doc.id, u.cookie));
    clients.forEach((c, i) => c.provider.awareness.setLocalStateField('cursor', { at: i }));
    await waitFor(() => clients.every((c) => c.provider.awareness.getStates().size === 3), 10_000, 'everyone sees everyone');
    // What server 0's client sees of the people on servers 1 and 2, named by their servers.
    const others = [...clients[0].provider.awareness.getStates()].filter(([id]) => id !== clients[0].doc.clientID);
    expect(others.map(([, s]) => (s.user as { name: string }).name).sort()).toEqual([users[1].user.name, users[2].user.name].sort());
    expect(others.map(([, s]) => s.cursor).sort((x, y) => x.at - y.at)).toEqual([{ at: 1 }, { at: 2 }]);
    clients.forEach((c) => c.destroy());
  }, 30_000);

  it('document lists on any server show who is in a document held by another', async () => {
    const { doc, users } = await documentWithWriters(2);
    // The owner's list streams from server 2; the writer edits on server 0 only.
    const list = await openLiveOn(servers[2].port, { cookie: users[0].cookie, origin: APP_ORIGIN });
    expect(list.status).toBe(200);
    const c = clientOn(servers[0], doc.id, users[1].cookie);
    c.provider.awareness.setLocalStateField('cursor', null);
    const last = () => list.events.filter((e): e is Extract<LiveEvent, { type: 'presence' }> => e.type === 'presence' && e.documentId === doc.id).at(-1);
    await waitFor(() => last()?.people.some((p) => p.id === users[1].user.id) ?? false, 5000, 'presence on another server');
    c.destroy();
    await waitFor(() => last()?.people.length === 0, 5000, 'gone on another server');
    list.close();
  }, 30_000);

  it('a SIGKILLed server\'s clients reconnect to another one, losing nothing acknowledged', async () => {
    const { doc, users } = await documentWithWriters(6);
    let clients = users.map((u, i) => clientOn(servers[i % 3], doc.id, u.cookie));
    await waitFor(() => clients.every((c) => c.provider.synced), 10_000, 'synced');
    const t = typeTokens(() => clients, 2);
    // Kill mid-stream, once the victim's clients have had plenty acknowledged (however busy the machine).
    await waitFor(() => clients.every((c, i) => i % 3 !== 0 || c.tracker.durableChanges >= 20), 20_000, 'acknowledgements');

    const victim = servers[0];
    victim.child.kill('SIGKILL');
    await victim.exited;
    // Whatever happens next, later tests get three servers again.
    replacement = startServer();
    // What the victim's clients saw acknowledged is in Postgres already.
    const acked = clients.flatMap((c, i) => (i % 3 === 0 ? t.typed[i].slice(0, c.tracker.durableChanges) : []));
    const stored = new Set(tokensOf(await storedDoc(storage, doc.id)));
    expect(acked.length).toBeGreaterThanOrEqual(40);
    expect(acked.filter((x) => !stored.has(x))).toEqual([]);

    // They reconnect elsewhere with the same document (and its unsaved changes), still typing.
    clients = clients.map((c, i) => {
      if (i % 3 !== 0) return c;
      c.destroy();
      return clientOn(servers[1 + (i % 2)], doc.id, users[i].cookie, c.doc);
    });
    await waitFor(() => clients.every((c) => c.provider.synced), 10_000, 'reconnected');
    await new Promise((r) => setTimeout(r, 500));
    await t.stop();
    const all = sorted(t.typed.flat());
    await waitFor(() => clients.every((c) => tokensOf(c.doc).length === all.length && c.tracker.state.kind === 'saved'), 20_000, 'converged and saved');
    for (const c of clients) expect(sorted(tokensOf(c.doc))).toEqual(all);
    expect(sorted(tokensOf(await storedDoc(storage, doc.id)))).toEqual(all);
    clients.forEach((c) => c.destroy());
  }, 60_000);

  it('converges within seconds when Redis restarts in the middle of editing', async () => {
    const { doc, users } = await documentWithWriters(3);
    const clients = users.map((u, i) => clientOn(servers[i], doc.id, u.cookie));
    await waitFor(() => clients.every((c) => c.provider.synced), 10_000, 'synced');
    const t = typeTokens(() => clients, 3);
    await waitFor(() => clients.every((c) => c.tracker.durableChanges >= 10), 20_000, 'editing under way');
    await redis.stop();
    // Each server keeps serving (and storing) its own clients meanwhile.
    await new Promise((r) => setTimeout(r, 1000));
    await waitFor(() => clients.every((c) => c.tracker.state.kind !== 'error'), 1000, 'no errors');
    await redis.restart();
    await new Promise((r) => setTimeout(r, 500));
    await t.stop();
    const all = sorted(t.typed.flat());
    const start = Date.now();
    await waitFor(() => clients.every((c) => tokensOf(c.doc).length === all.length), 8000, 'converged after redis came back');
    const tookMs = Date.now() - start;
    for (const c of clients) expect(sorted(tokensOf(c.doc))).toEqual(all);
    expect(tookMs).toBeLessThan(8000);
    await waitFor(() => clients.every((c) => c.tracker.state.kind === 'saved'), 10_000, 'saved');
    expect(sorted(tokensOf(await storedDoc(storage, doc.id)))).toEqual(all);
    clients.forEach((c) => c.destroy());
  }, 60_000);

  it('removing a member closes their socket with 4403 on whichever server holds it', async () => {
    const { doc, users } = await documentWithWriters(3);
    const clients = users.map((u, i) => clientOn(servers[i], doc.id, u.cookie));
    await waitFor(() => clients.every((c) => c.provider.synced), 10_000, 'synced');
    const closes: number[] = [];
    clients[2].provider.on('connection-close', (e: CloseEvent | null) => e && closes.push(e.code));
    const t0 = Date.now();
    // What DELETE /api/documents/<id>/members/<userId> does, on the app's side of the database.
    expect(await storage.members.remove(doc.id, users[2].user.id, Date.now())).toBe('ok');
    await waitFor(() => closes.includes(4403), 3000, 'closed with 4403');
    expect(Date.now() - t0).toBeLessThan(1000);
    // The others keep editing.
    clients[0].doc.getText('t').insert(0, 'still here');
    await waitFor(() => clients[1].text() === 'still here', 5000, 'others unaffected');
    clients.forEach((c) => c.destroy());
  }, 30_000);
});
