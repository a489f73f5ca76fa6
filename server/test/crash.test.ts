import * as prng from 'lib0/prng';
import { afterAll, describe, expect, it } from 'vitest';
import { openStorage } from '../../lib/storage';
import { client, freePort, signedInUser, storedDoc, testConfig, waitFor, type Client } from './helpers';
import { startServerProcess, type ServerProcess } from './process';

/**
 * Several clients write continuously; the server process is SIGKILLed at random moments and
 * restarted. Every change any client saw acknowledged must be in the stored document, and the
 * clients that stayed open must converge with it.
 */
describe('crash safety (SIGKILL)', () => {
  const config = testConfig();
  let server: ServerProcess | undefined;
  afterAll(() => {
    server?.child.kill('SIGKILL');
  });

  it('loses no acknowledged update across three kills', async () => {
    const storage = await openStorage({ sqliteFile: config.databaseFile });
    const owner = await signedInUser(storage, config, 'Owner');
    const doc = await storage.documents.create({ title: 'Crash', ownerId: owner.user.id, now: Date.now() });
    const port = await freePort();
    const env = { DATA_DIR: config.dataDir, APP_ORIGIN: config.appOrigin };
    server = await startServerProcess(env, port);

    const g = prng.create(0xc0ffee);
    const clients: Client[] = [];
    const tokens: string[][] = [];
    for (let i = 0; i < 4; i++) {
      const u = i === 0 ? owner : await signedInUser(storage, config, `Writer ${i}`);
      if (i > 0) await storage.members.share(doc.id, u.user.email, 'editor', Date.now());
      clients.push(client(server, doc.id, u.cookie));
      tokens.push([]);
    }
    await waitFor(() => clients.every((c) => c.provider.synced), 10_000, 'clients synced');

    // Each client inserts a unique token every few milliseconds, at a random place.
    let writing = true;
    const writers = clients.map((c, i) =>
      (async () => {
        while (writing) {
          // An array of tokens, so concurrent inserts never split a token apart.
          const list = c.doc.getArray<string>('tokens');
          const token = `${i}.${tokens[i].length}`;
          list.insert(prng.uint32(g, 0, list.length), [token]);
          tokens[i].push(token);
          await new Promise((r) => setTimeout(r, prng.uint32(g, 1, 6)));
        }
      })(),
    );

    const acknowledged = new Set<string>();
    for (let round = 0; round < 3; round++) {
      const before = clients.map((c) => c.tracker.durableChanges);
      await new Promise((r) => setTimeout(r, prng.uint32(g, 300, 1200)));
      // However slow the machine, kill only once every client has had some changes acknowledged
      // in this round, so the test always checks plenty of acknowledged changes.
      await waitFor(() => clients.every((c, i) => c.tracker.durableChanges >= before[i] + 5), 30_000, 'acknowledgements this round');
      server.child.kill('SIGKILL');
      await server.exited;
      // Nothing can be acknowledged after the kill: record what each client saw acknowledged...
      clients.forEach((c, i) => tokens[i].slice(0, c.tracker.durableChanges).forEach((t) => acknowledged.add(t)));
      // ...and check it against the disk while the server is dead, before any client can resend.
      const onDisk = new Set((await storedDoc(storage, doc.id)).getArray<string>('tokens').toArray());
      const lost = [...acknowledged].filter((t) => !onDisk.has(t));
      expect(lost, `round ${round}: acknowledged but not on disk`).toEqual([]);
      await new Promise((r) => setTimeout(r, prng.uint32(g, 50, 400)));
      server = await startServerProcess(env, port);
    }
    writing = false;
    await Promise.all(writers);

    await waitFor(() => clients.every((c) => c.provider.synced && c.tracker.state.kind === 'saved'), 20_000, 'all clients saved after reconnecting');
    const list = (c: Client) => c.doc.getArray<string>('tokens').toArray();
    await waitFor(() => clients.every((c) => list(c).join() === list(clients[0]).join()), 10_000, 'clients converged');
    const storedList = (await storedDoc(storage, doc.id)).getArray<string>('tokens').toArray();
    expect(storedList).toEqual(list(clients[0]));
    const stored = new Set(storedList);

    const total = tokens.reduce((n, t) => n + t.length, 0);
    console.log(`crash test: ${total} tokens written, ${acknowledged.size} acknowledged before a kill`);
    expect(acknowledged.size).toBeGreaterThan(50);
    const missing = [...acknowledged].filter((t) => !stored.has(t));
    expect(missing).toEqual([]);
    // Everything written, acknowledged or not, made it once the clients reconnected.
    expect(tokens.flat().filter((t) => !stored.has(t))).toEqual([]);
    expect(storedList).toHaveLength(total);

    clients.forEach((c) => c.destroy());
    await storage.close();
  }, 180_000);
});
