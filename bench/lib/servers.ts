import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { buildServer } from '../../scripts/build-server';
import { cpuMs } from './proc';
import { phase, vlog } from './log';
import type { Target } from '../load/conn';

export type ServerKind = Target['server'];
export const SERVERS: ServerKind[] = ['tandem', 'hocuspocus', 'y-websocket', 'raw-ws'];

export const BENCH_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
export const ROOT_DIR = path.resolve(BENCH_DIR, '..');
export const NODE22 = path.join(BENCH_DIR, 'node_modules/node/bin/node');

/**
 * Tandem runs bundled, as `npm start` runs it (scripts/build-server.ts), from the repository's
 * .build (its packages resolve from the repository's node_modules, not bench/'s). Built once
 * per bench process.
 */
const TANDEM_BUILD = path.join(ROOT_DIR, '.build', 'bench-server');
const TANDEM_ENTRY = path.join(TANDEM_BUILD, 'tandem.mjs');
let built: Promise<void> | undefined;
const tandemBuild = () => (built ??= buildServer(TANDEM_BUILD, { name: 'tandem', entry: path.join(BENCH_DIR, 'servers/tandem.ts') }));

/** Accounts and documents are created by a separate process first, as the app would. */
async function tandemSetup(dataDir: string, docs: number): Promise<void> {
  await tandemBuild();
  fs.mkdirSync(dataDir, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production' };
  const setup = spawn(process.execPath, ['--conditions=react-server', TANDEM_ENTRY, dataDir, String(docs), '--setup'], { cwd: ROOT_DIR, env, stdio: 'ignore' });
  const code = await phase(`tandem fixture (${docs} documents)`, () => new Promise((res) => setup.once('exit', res)));
  if (code !== 0) throw new Error(`tandem fixture setup exited with ${code}`);
}

const templates = new Map<string, Promise<string>>();
/**
 * A Tandem data directory with the bench account and `docs` documents, made once under `parent`
 * (call it early, e.g. at the start of a run, to make it while nothing is measured).
 */
export function tandemTemplate(parent: string, docs: number): Promise<string> {
  const dir = path.join(parent, `tandem-template-${docs}`);
  if (!templates.has(dir)) templates.set(dir, tandemSetup(dir, docs).then(() => dir));
  return templates.get(dir)!;
}

/** taskset pins the server to core 0 and the load generator to core 1 when there are two or more cores. */
const canPin = os.cpus().length >= 2 && fs.existsSync('/usr/bin/taskset');
export function pinned(core: number, cmd: string, args: string[]): [string, string[]] {
  return canPin ? ['/usr/bin/taskset', ['-c', String(core), cmd, ...args]] : [cmd, args];
}
export const pinning = canPin ? 'server on core 0, load generator on core 1 (taskset)' : 'none (fewer than 2 cores or no taskset)';

export interface Running {
  kind: ServerKind;
  proc: ChildProcess;
  target: Target;
  dataDir: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Starts one server under test on `dataDir` (reused across a restart) and waits until it listens. */
export const startServer = (kind: ServerKind, dataDir: string, docs: number) => phase(`start ${kind}`, () => startServer_(kind, dataDir, docs));
async function startServer_(kind: ServerKind, dataDir: string, docs: number): Promise<Running> {
  fs.mkdirSync(dataDir, { recursive: true });
  let cmd: string;
  let args: string[];
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production' };
  let port = 0;
  if (kind === 'tandem') await tandemBuild();
  if (kind === 'tandem' && !fs.existsSync(path.join(dataDir, 'bench-fixture.json'))) {
    // With SQLite, the fixture is made once per document count and copied (a fresh database per
    // round as before, without a setup process per start); other storage gets its own setup.
    if (process.env.TANDEM_BENCH_DATABASE_URL) await tandemSetup(dataDir, docs);
    else fs.cpSync(await tandemTemplate(path.dirname(dataDir), docs), dataDir, { recursive: true });
  }
  switch (kind) {
    case 'tandem':
      [cmd, args] = [process.execPath, ['--conditions=react-server', ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []), ...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []), TANDEM_ENTRY, dataDir, String(docs)]];
      break;
    case 'hocuspocus':
      [cmd, args] = [NODE22, [path.join(BENCH_DIR, 'servers/hocuspocus.mjs'), dataDir]];
      break;
    case 'y-websocket':
      port = await freePort();
      Object.assign(env, { HOST: '127.0.0.1', PORT: String(port), YPERSISTENCE: path.join(dataDir, 'leveldb') });
      [cmd, args] = [process.execPath, [path.join(BENCH_DIR, 'node_modules/y-websocket/bin/server.js')]];
      break;
    case 'raw-ws':
      [cmd, args] = [process.execPath, [path.join(BENCH_DIR, 'servers/raw-ws.mjs')]];
      break;
  }
  const [c, a] = pinned(0, cmd, args);
  const proc = spawn(c, a, { cwd: ROOT_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (d) => {
    err = (err + d).slice(-4000);
    // BENCH_SERVER_LOG=<file> keeps every server's stderr (errors it logged under load).
    if (process.env.BENCH_SERVER_LOG) fs.appendFileSync(process.env.BENCH_SERVER_LOG, `[${kind}] ${d}`);
  });
  const ready = await new Promise<{ url: string; docs?: string[]; cookie?: string; origin?: string }>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${kind} did not start within 60 s: ${err}`)), 60_000);
    proc.stdout!.on('data', (d) => {
      out += d;
      if (process.env.BENCH_SERVER_LOG) fs.appendFileSync(process.env.BENCH_SERVER_LOG, `[${kind} stdout] ${d}`);
      const m = /READY (.*)\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(JSON.parse(m[1]));
      } else if (kind === 'y-websocket' && out.includes('running at')) {
        clearTimeout(timer);
        resolve({ url: `ws://127.0.0.1:${port}` });
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${kind} exited with ${code} before listening: ${err}`));
    });
  });
  const names = ready.docs ?? Array.from({ length: docs }, (_, i) => `doc-${i}`);
  return { kind, proc, dataDir, target: { server: kind, url: ready.url, docs: names, cookie: ready.cookie, origin: ready.origin, pid: proc.pid! } };
}

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

/** Latest modification of Hocuspocus's database (and its rollback journal), in ms. */
function hocusDbMtime(r: Running): number {
  let t = 0;
  for (const f of ['hocuspocus.sqlite', 'hocuspocus.sqlite-journal']) {
    try {
      t = Math.max(t, fs.statSync(path.join(r.dataDir, f)).mtimeMs);
    } catch {
      // not there (yet, or no journal now)
    }
  }
  return t;
}

/**
 * Waits until the server's trailing work (persistence, compaction) is done: it used under 20 ms
 * of CPU in the last 400 ms (a sliding window, sampled every 50 ms), after at least `minMs`.
 * Hocuspocus stores a document when its last connection closes (or 2 s after its last change,
 * at most 10 s): given `since` (when the load started), its database must also have been
 * written after `since` and not since for that window (at most 12 s of waiting for the write).
 */
export const quiesce = (r: Running, o: { minMs?: number; since?: number; maxMs?: number } = {}) => phase(`quiesce ${r.kind}`, () => quiesce_(r, o));
async function quiesce_(r: Running, { minMs = 0, since, maxMs = 60_000 }: { minMs?: number; since?: number; maxMs?: number }): Promise<void> {
  const WINDOW = 400;
  const start = Date.now();
  const samples: [number, number][] = [];
  const watchDb = r.kind === 'hocuspocus' && since !== undefined;
  while (Date.now() - start < maxMs) {
    const now = Date.now();
    samples.push([now, cpuMs(r.target.pid)]);
    while (samples.length > 1 && now - samples[1][0] >= WINDOW) samples.shift();
    const [t0, c0] = samples[0];
    const idle = now - t0 >= WINDOW && samples.at(-1)![1] - c0 < 20;
    const mtime = watchDb ? hocusDbMtime(r) : 0;
    const stored = !watchDb || (mtime >= since! && now - mtime >= WINDOW) || (mtime < since! && now - start > 12_000);
    if (idle && stored && now - start >= minMs) return;
    await sleep(50);
  }
  vlog(`quiesce ${r.kind}: still busy after ${maxMs} ms`);
}

/** SIGTERM (each server's graceful stop), SIGKILL after 15 s. */
export const stopServer = (r: Running) => phase(`stop ${r.kind}`, () => stopServer_(r));
async function stopServer_(r: Running): Promise<void> {
  if (r.proc.exitCode !== null) return;
  const exited = new Promise<void>((res) => r.proc.once('exit', () => res()));
  r.proc.kill('SIGTERM');
  const timer = setTimeout(() => r.proc.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** Versions of everything a run measures, for its results file. */
export function versions() {
  const v = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')).version as string;
  const nm = (p: string) => path.join(BENCH_DIR, 'node_modules', p, 'package.json');
  return {
    tandem: v(path.join(ROOT_DIR, 'package.json')),
    node: process.version,
    node_hocuspocus: fs.existsSync(NODE22) ? `v${v(path.join(BENCH_DIR, 'node_modules/node/package.json'))}` : 'missing',
    '@hocuspocus/server': v(nm('@hocuspocus/server')),
    '@hocuspocus/extension-sqlite': v(nm('@hocuspocus/extension-sqlite')),
    'y-websocket': v(nm('y-websocket')),
    'y-leveldb': v(nm('y-leveldb')),
    ws: v(path.join(ROOT_DIR, 'node_modules/ws/package.json')),
    yjs: v(path.join(ROOT_DIR, 'node_modules/yjs/package.json')),
  };
}
