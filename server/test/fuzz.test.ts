import * as prng from 'lib0/prng';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { encodeMessage } from '../../lib/protocol';
import { openStorage, type Storage } from '../../lib/storage';
import { client, freePort, signedInUser, storedDoc, testConfig, waitFor, APP_ORIGIN, type Client } from './helpers';
import { buildCorpus, nextFrame } from './fuzz-frames';
import { startServerProcess, type ServerProcess } from './process';

const FRAMES = 100_000;
const ATTACKERS = 12;

let lastCount = 0;
async function framesProcessed(port: number): Promise<number> {
  try {
    // A fresh connection each time: a reused keep-alive socket can race the server closing it.
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { connection: 'close' } })).text();
    lastCount = Number(/^tandem_frames_received_total (\d+)/m.exec(text)?.[1] ?? 0);
  } catch {
    // A poll that fails under load is retried; the end of the test checks the process is alive.
  }
  return lastCount;
}

const QUERY = encodeMessage({ type: 'query-awareness' });

/**
 * One attacker: opens a socket to `url`, fires bursts of generated frames at it, and opens a
 * new socket whenever the server closes the old one, until told to stop. Each burst ends with
 * a query the server always answers, and the next burst waits for an answer (or the close):
 * the server stays busy without an unbounded backlog, so honest clients are still served.
 */
async function attack(url: string, cookie: string, g: prng.PRNG, corpus: ReturnType<typeof buildCorpus>, running: () => boolean) {
  while (running()) {
    await new Promise<void>((resolve) => {
      const ws = new WebSocket(url, { headers: { cookie, origin: APP_ORIGIN } });
      ws.on('error', () => {});
      ws.on('close', () => resolve());
      let answered: () => void = () => {};
      ws.on('message', () => answered());
      ws.on('close', () => answered());
      ws.on('open', async () => {
        while (running() && ws.readyState === WebSocket.OPEN) {
          const reply = new Promise<void>((r) => {
            answered = r;
            setTimeout(r, 2000).unref();
          });
          for (let i = 0; i < 20 && ws.readyState === WebSocket.OPEN; i++) {
            const roll = prng.uint32(g, 0, 199);
            if (roll === 0) ws.send('a text frame');
            else ws.send(nextFrame(g, corpus));
          }
          if (ws.readyState === WebSocket.OPEN) ws.send(QUERY);
          await reply;
        }
        ws.terminate();
      });
    });
  }
}

describe('live fuzz', () => {
  const config = testConfig();
  let storage: Storage;
  let server: ServerProcess | undefined;
  afterAll(async () => {
    server?.child.kill('SIGKILL');
    await storage?.close();
  });

  it(`survives ${FRAMES.toLocaleString('en')} random and mutated frames with other documents intact`, async () => {
    storage = await openStorage({ sqliteFile: config.databaseFile });
    const [alice, bob, mallory] = await Promise.all(['Alice', 'Bob', 'Mallory'].map((n) => signedInUser(storage, config, n)));
    const victimDoc = await storage.documents.create({ title: 'Victim', ownerId: alice.user.id, now: Date.now() });
    await storage.members.share(victimDoc.id, bob.user.email, 'editor', Date.now());
    await storage.members.share(victimDoc.id, mallory.user.email, 'viewer', Date.now());
    const arena = await storage.documents.create({ title: 'Arena', ownerId: mallory.user.id, now: Date.now() });
    await storage.members.share(arena.id, alice.user.email, 'editor', Date.now());
    const port = await freePort();
    server = await startServerProcess(
      { DATA_DIR: config.dataDir, APP_ORIGIN: config.appOrigin, LOG_LEVEL: 'warn', RATE_LIMIT_MESSAGES: '1000000', RATE_LIMIT_BYTES: '1073741824', MAX_CONNECTIONS_PER_USER: '1000' },
      port,
    );

    const victims: Client[] = [client(server, victimDoc.id, alice.cookie), client(server, victimDoc.id, bob.cookie)];
    const witness = client(server, arena.id, alice.cookie);
    await waitFor(() => [...victims, witness].every((c) => c.provider.synced), 10_000, 'honest clients synced');

    let running = true;
    const written: string[] = [];
    const honest = (async () => {
      for (let i = 0; running; i++) {
        const c = victims[i % 2];
        const token = `v${i}`;
        c.doc.getArray<string>('tokens').push([token]);
        written.push(token);
        witness.doc.getText('t').insert(0, `w${i} `);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();

    const corpus = buildCorpus(0xf022);
    const attackers = Array.from({ length: ATTACKERS }, (_, i) => {
      // Two thirds edit the arena they share with a witness; a third are viewers of the victims' document.
      const target = i % 3 === 2 ? victimDoc.id : arena.id;
      return attack(`${server!.url}/${target}`, mallory.cookie, prng.create(1000 + i), corpus, () => running);
    });
    const started = Date.now();
    await waitFor(async () => (await framesProcessed(port)) >= FRAMES, 240_000, `${FRAMES} frames processed`);
    running = false;
    await Promise.all([...attackers, honest]);
    const processed = await framesProcessed(port);
    console.log(`live fuzz: ${processed} frames processed in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    // The server is alive and healthy.
    expect(server.child.exitCode).toBeNull();
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    expect(processed).toBeGreaterThanOrEqual(FRAMES);

    // The victims' document holds exactly what they wrote, converged and stored.
    await waitFor(() => [...victims, witness].every((c) => c.tracker.state.kind === 'saved'), 20_000, 'honest clients saved');
    const tokens = (c: Client) => c.doc.getArray<string>('tokens').toArray();
    await waitFor(() => tokens(victims[0]).length === written.length && tokens(victims[1]).length === written.length, 10_000, 'victims converged');
    expect(tokens(victims[0])).toEqual(tokens(victims[1]));
    expect([...tokens(victims[0])].sort()).toEqual([...written].sort());
    const storedVictim = await storedDoc(storage, victimDoc.id);
    expect(storedVictim.getArray<string>('tokens').toArray()).toEqual(tokens(victims[0]));
    expect([...storedVictim.share.keys()]).toEqual(['tokens']);

    // The arena took garbage from editors, but the witness and the storage agree on it.
    const storedArena = await storedDoc(storage, arena.id);
    expect(Y.equalSnapshots(Y.snapshot(storedArena), Y.snapshot(witness.doc))).toBe(true);
    expect(storedArena.getText('t').toString()).toBe(witness.text());

    // Nothing unexpected was logged: warnings for bad frames only, no errors, no crashes.
    const out = server.output();
    const records = out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { level: number; msg: string });
    expect(records.filter((r) => r.level >= 50)).toEqual([]);
    expect(out).not.toMatch(/unhandled|uncaught/i);
    [...victims, witness].forEach((c) => c.destroy());
  }, 300_000);
});
