import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { encodeAwarenessUpdate, encodeMessage } from '../../lib/protocol';
import { openStorage, type Storage } from '../../lib/storage';
import { client, freePort, rawConnect, signedInUser, storedDoc, testConfig, waitFor, APP_ORIGIN } from './helpers';
import { startServerProcess, type ServerProcess } from './process';

const config = testConfig();
let storage: Storage;
let server: ServerProcess | undefined;
afterAll(async () => {
  server?.child.kill('SIGKILL');
  await storage?.close();
});

describe('operations', () => {
  it('on SIGTERM acknowledges what it has, closes with 1012 and exits 0 within seconds', async () => {
    storage = await openStorage({ sqliteFile: config.databaseFile });
    const owner = await signedInUser(storage, config, 'Owner');
    const doc = await storage.documents.create({ title: 'Ops', ownerId: owner.user.id, now: Date.now() });
    const port = await freePort();
    server = await startServerProcess({ DATA_DIR: config.dataDir, APP_ORIGIN: config.appOrigin, LOG_LEVEL: 'info' }, port);
    const clients = [client(server, doc.id, owner.cookie), client(server, doc.id, owner.cookie)];
    await waitFor(() => clients.every((c) => c.provider.synced), 5000, 'synced');
    const codes: number[] = [];
    clients.forEach((c) => c.provider.on('connection-close', (e: CloseEvent | null) => e && codes.push(e.code)));

    let writing = true;
    let n = 0;
    const writer = (async () => {
      while (writing) {
        clients[n % 2].doc.getArray<number>('n').push([n++]);
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    server.child.kill('SIGTERM');
    const exit = await server.exited;
    const took = Date.now() - t0;
    writing = false;
    await writer;

    expect(exit).toEqual({ code: 0, signal: null });
    expect(took).toBeLessThan(5000);
    await waitFor(() => codes.length >= 2, 3000, 'clients saw the close');
    expect(codes.slice(0, 2)).toEqual([1012, 1012]);
    // Whatever a client saw acknowledged is on disk.
    const onDisk = new Set((await storedDoc(storage, doc.id)).getArray<number>('n').toArray());
    const acked = clients.flatMap((c) => c.doc.getArray<number>('n').toArray().filter((v) => v % 2 === clients.indexOf(c)).slice(0, c.tracker.durableChanges));
    expect(acked.length).toBeGreaterThan(10);
    expect(acked.filter((v) => !onDisk.has(v))).toEqual([]);

    // A new server takes over and the clients (which kept their changes) converge with it.
    server = await startServerProcess({ DATA_DIR: config.dataDir, APP_ORIGIN: config.appOrigin }, port);
    await waitFor(() => clients.every((c) => c.tracker.state.kind === 'saved'), 15_000, 'saved again');
    const stored = (await storedDoc(storage, doc.id)).getArray<number>('n').toArray();
    expect(stored).toHaveLength(n);
    clients.forEach((c) => c.destroy());
    server.child.kill('SIGTERM');
    await server.exited;
  }, 60_000);

  it('logs structured JSON with connection and document ids, and never document content', async () => {
    const owner = await signedInUser(storage, config, 'Logger');
    const doc = await storage.documents.create({ title: 'Secret title', ownerId: owner.user.id, now: Date.now() });
    const port = await freePort();
    server = await startServerProcess({ DATA_DIR: config.dataDir, APP_ORIGIN: config.appOrigin, LOG_LEVEL: 'debug' }, port);
    const SECRET = 'SECRET-CONTENT-7f3a';
    const c = client(server, doc.id, owner.cookie);
    c.provider.awareness.setLocalStateField('note', SECRET);
    c.doc.getText('t').insert(0, `${SECRET} in the text`);
    await waitFor(() => c.tracker.state.kind === 'saved', 5000, 'saved');
    const bad = new Y.Doc();
    bad.getText('t').insert(0, SECRET);
    const update = Y.encodeStateAsUpdate(bad);
    await rawConnect(server.url + '/' + doc.id, { cookie: owner.cookie, origin: APP_ORIGIN }, [encodeMessage({ type: 'sync-update', update: update.slice(0, update.length - 3) })]);
    await rawConnect(server.url + '/' + doc.id, { cookie: owner.cookie, origin: APP_ORIGIN }, [
      encodeMessage({ type: 'awareness', update: encodeAwarenessUpdate([{ clientId: 1, clock: 1, state: { s: SECRET } }]).slice(0, -2) }),
    ]);
    // Not JSON, with the secret at the start (where V8 would quote it in its error message).
    const garbage = new TextEncoder().encode(`${SECRET}{{{`);
    await rawConnect(server.url + '/' + doc.id, { cookie: owner.cookie, origin: APP_ORIGIN }, [
      encodeMessage({ type: 'awareness', update: new Uint8Array([1, 1, 1, garbage.length, ...garbage]) }),
    ]);
    c.destroy();
    server.child.kill('SIGTERM');
    await server.exited;

    const lines = server.output().trim().split('\n');
    expect(lines.length).toBeGreaterThan(3);
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(server.output()).not.toContain(SECRET);
    expect(server.output()).not.toContain('Secret title');
    const malformed = records.filter((r) => r.msg === 'malformed frame; closing connection');
    expect(malformed).toHaveLength(3);
    for (const r of malformed) expect(r).toMatchObject({ conn: expect.any(String), doc: doc.id, level: 40 });
    expect(records.filter((r) => (r.level as number) >= 50)).toEqual([]);
  }, 30_000);
});
