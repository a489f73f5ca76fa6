import fs from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { bundle } from '../../scripts/build-server';
import type { Target } from '../load/conn';
import type { Job } from '../load/main';
import { BENCH_DIR, pinned, ROOT_DIR } from './servers';
import { CACHE, TRACES_DIR } from './traces';
import { phase, vlog } from './log';

export type Metrics = Record<string, number>;

/**
 * The load generator bundled once per bench process (as the Tandem server is): started through
 * tsx, each of the dozens of load processes a run starts took about a second to load.
 */
const LOAD_BUILD = path.join(ROOT_DIR, '.build', 'bench-load');
let built: Promise<unknown> | undefined;
export const loadBuild = () => (built ??= bundle({ main: path.join(BENCH_DIR, 'load/main.ts') }, LOAD_BUILD));

/** A load-generator process started ahead of its job, its Node start-up done. */
interface LoadProc {
  p: ChildProcess;
  ready: Promise<void>;
  out: string;
  err: string;
  /** Called with each line it prints. */
  onLine?: (line: string) => void;
}

function spawnLoad(): LoadProc {
  // BENCH_LOAD_FLAGS: Node flags for the load processes (e.g. `--cpu-prof`), as BENCH_NODE_FLAGS for servers.
  const flags = (process.env.BENCH_LOAD_FLAGS ?? '').split(' ').filter(Boolean);
  const [cmd, args] = pinned(1, process.execPath, [...flags, path.join(LOAD_BUILD, 'main.mjs')]);
  // Paths the bundle would otherwise derive from its own location.
  const env = { ...process.env, TANDEM_TRACES_DIR: TRACES_DIR, TANDEM_BENCH_CACHE: CACHE };
  const p = spawn(cmd, args, { cwd: ROOT_DIR, env, stdio: ['pipe', 'pipe', 'pipe'] });
  const lp: LoadProc = { p, ready: Promise.resolve(), out: '', err: '' };
  lp.ready = new Promise<void>((resolve, reject) => {
    let partial = '';
    p.stdout!.on('data', (d) => {
      lp.out += d;
      partial += d;
      for (let i; (i = partial.indexOf('\n')) >= 0; partial = partial.slice(i + 1)) {
        const line = partial.slice(0, i);
        if (line === 'READY') resolve();
        lp.onLine?.(line);
      }
    });
    p.once('exit', (code) => reject(new Error(`load generator exited with ${code} before it was ready: ${lp.err}`)));
  });
  lp.ready.catch(() => undefined);
  p.stderr!.on('data', (d) => {
    lp.err = (lp.err + d).slice(-4000);
    if (process.env.BENCH_LOAD_LOG) fs.appendFileSync(process.env.BENCH_LOAD_LOG, d);
  });
  return lp;
}

/**
 * The next job's process: started while the harness does unmeasured work (after a job's result,
 * or while a gated fan-out connects and warms up), so Node's start-up is off the run's critical path and
 * never on core 1 while a measurement runs there.
 */
let spare: LoadProc | undefined;
async function prespawn(): Promise<void> {
  await loadBuild();
  spare ??= spawnLoad();
  await spare.ready;
}

/** Starts the first spare load process (at the start of a run). */
export const prepareLoad = () => prespawn();

/** Ends the spare load process (at the end of a run). */
export function closeLoad(): void {
  spare?.p.stdin!.end();
  spare = undefined;
}

export interface LoadOptions {
  timeoutMs?: number;
  /** A gated fan-out waits for this (and the next spare process) after its warm-up, before measuring. */
  gate?: () => Promise<unknown>;
  /** Called when the job's timed part is over (idle: every connection synced). */
  onTimed?: () => void;
}

/** Runs one job in its own load-generator process (pinned to core 1) against `target`. */
export const runLoad = (target: Target, job: Job, o: LoadOptions = {}) => phase(`load ${job.kind} ${target.server}`, () => runLoad_(target, job, o));

async function runLoad_(target: Target, job: Job, { timeoutMs = 300_000, gate, onTimed }: LoadOptions): Promise<Metrics> {
  await prespawn();
  const lp = spare!;
  spare = undefined;
  if (gate && job.kind === 'fanout') job = { ...job, gated: true };
  lp.onLine = (line) => {
    if (line === 'TIMED') {
      vlog(`timed part done: ${job.kind} ${target.server}`);
      onTimed?.();
    }
    if (line !== 'WARM') return;
    vlog(`warm ${job.kind} ${target.server}`);
    void Promise.all([gate?.(), prespawn()]).then(() => {
      vlog(`go ${job.kind} ${target.server}`);
      lp.p.stdin!.write('GO\n');
    });
  };
  const exited = new Promise((res) => lp.p.once('exit', res));
  lp.p.stdin!.write(JSON.stringify({ target, job }) + '\n');
  // A gated fan-out's connect and warm-up are unmeasured: the next process starts meanwhile.
  if (job.kind === 'fanout' && job.gated) void prespawn().catch(() => undefined);
  const timer = setTimeout(() => lp.p.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
  // The next job's process starts now, while the harness quiesces or restarts servers.
  void prespawn().catch(() => undefined);
  const m = /RESULT (.*)\n/.exec(lp.out);
  if (!m) throw new Error(`load generator gave no result for ${job.kind} on ${target.server}: ${lp.err}`);
  const res = JSON.parse(m[1]) as Metrics & { failed?: string };
  if (res.failed) throw new Error(`${job.kind} on ${target.server} failed: ${res.failed}`);
  return res;
}
