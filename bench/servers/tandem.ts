import fs from 'node:fs';
import inspector from 'node:inspector';
import path from 'node:path';
import { startSession } from '../../lib/auth/session';
import { loadConfig } from '../../lib/config';
import { openStorage } from '../../lib/storage';
import { startCollabServer } from '../../server/app';
import { createLogger } from '../../server/log';

/**
 * Tandem's collaboration server as production runs it (server/main.ts: real SQLite storage,
 * cookie sessions, Origin check, durable acks), plus bench fixtures: one account with a live
 * session that owns the bench documents. Usage: `tandem.ts <dataDir> <documents>`; prints
 * `READY <json>` once listening. The same data directory reopens the same documents.
 */
const [dataDir, docCount] = [process.argv[2], Number(process.argv[3] ?? 1)];
/** `--setup`: create the fixture and exit, so its garbage is not in the measured server's heap. */
const setupOnly = process.argv.includes('--setup');
const ORIGIN = 'http://localhost:3000';

async function main() {
  const config = loadConfig({
    DATA_DIR: dataDir,
    APP_ORIGIN: ORIGIN,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    // The load generator is one account with thousands of connections, and ingest-b4 replays a
    // trace far faster than anyone types: lift the per-account and per-connection abuse limits.
    MAX_CONNECTIONS_PER_USER: '1000000',
    RATE_LIMIT_MESSAGES: '1000000',
    RATE_LIMIT_BYTES: String(1024 * 1024 * 1024),
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('TANDEM_BENCH_')).map(([k, v]) => [k.slice(13), v])),
  });
  const log = createLogger(config.logLevel);
  const storage = await openStorage({ target: config.storage });
  const fixtureFile = path.join(dataDir, 'bench-fixture.json');
  let fixture: { docs: string[]; cookie: string };
  if (fs.existsSync(fixtureFile)) {
    fixture = JSON.parse(fs.readFileSync(fixtureFile, 'utf8'));
  } else {
    const now = Date.now();
    const user = (await storage.users.create({ email: `bench.${now}@example.test`, name: 'Bench', passwordHash: 'not-a-real-hash', now }))!;
    const { token } = await startSession(storage, config, user.id);
    const docs: string[] = [];
    for (let i = 0; i < docCount; i++) docs.push((await storage.documents.create({ title: `bench ${i}`, ownerId: user.id, now })).id);
    fixture = { docs, cookie: `tandem_session=${token}` };
    fs.writeFileSync(fixtureFile, JSON.stringify(fixture));
  }
  if (setupOnly) {
    await storage.close();
    process.stdout.write('READY {}\n');
    process.exit(0);
  }
  const server = await startCollabServer({ config, storage, log, port: 0, prestartWorkers: true });
  process.stdout.write(`READY ${JSON.stringify({ url: `ws://127.0.0.1:${server.port}`, docs: fixture.docs, cookie: fixture.cookie, origin: ORIGIN })}\n`);
  let stopping = false;
  const heapSample = process.env.BENCH_HEAP_SAMPLE ? await startAllocationSampling() : undefined;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    if (heapSample) fs.writeFileSync(`${process.env.BENCH_HEAP_SAMPLE}.${process.pid}.heapprofile`, JSON.stringify(await heapSample()));
    await server.close();
    await storage.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

/**
 * `BENCH_HEAP_SAMPLE=<prefix>`: V8's sampling heap profiler from READY to shutdown, counting
 * objects the garbage collector has already freed too (`--heap-prof` keeps only the live ones),
 * so the profile shows what allocates, not what stays. Returns the function that stops it.
 */
async function startAllocationSampling(): Promise<() => Promise<unknown>> {
  const session = new inspector.Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<Record<string, unknown>>((resolve, reject) => session.post(method, params, (e, r) => (e ? reject(e) : resolve(r as Record<string, unknown>))));
  await post('HeapProfiler.startSampling', { samplingInterval: 8192, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  return async () => (await post('HeapProfiler.stopSampling')).profile;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
