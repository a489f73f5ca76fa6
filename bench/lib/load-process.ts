import fs from 'node:fs';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { bundle } from '../../scripts/build-server';
import type { Target } from '../load/conn';
import type { Job } from '../load/main';
import { BENCH_DIR, pinned, ROOT_DIR } from './servers';
import { CACHE, TRACES_DIR } from './traces';

export type Metrics = Record<string, number>;

/**
 * The load generator bundled once per bench process (as the Tandem server is): started through
 * tsx, each of the dozens of load processes a run starts took about a second to load.
 */
const LOAD_BUILD = path.join(ROOT_DIR, '.build', 'bench-load');
let built: Promise<unknown> | undefined;
const loadBuild = () => (built ??= bundle({ main: path.join(BENCH_DIR, 'load/main.ts') }, LOAD_BUILD));

/** Runs one job in its own load-generator process (pinned to core 1) against `target`. */
export async function runLoad(target: Target, job: Job, timeoutMs = 300_000): Promise<Metrics> {
  await loadBuild();
  const [cmd, args] = pinned(1, process.execPath, [path.join(LOAD_BUILD, 'main.mjs'), JSON.stringify({ target, job })]);
  // Paths the bundle would otherwise derive from its own location.
  const env = { ...process.env, TANDEM_TRACES_DIR: TRACES_DIR, TANDEM_BENCH_CACHE: CACHE };
  const p = spawn(cmd, args, { cwd: ROOT_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  p.stdout.on('data', (d) => (out += d));
  p.stderr.on('data', (d) => { err = (err + d).slice(-4000); if (process.env.BENCH_LOAD_LOG) fs.appendFileSync(process.env.BENCH_LOAD_LOG, d); });
  const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
  await new Promise((res) => p.once('exit', res));
  clearTimeout(timer);
  const m = /RESULT (.*)\n/.exec(out);
  if (!m) throw new Error(`load generator gave no result for ${job.kind} on ${target.server}: ${err}`);
  const res = JSON.parse(m[1]) as Metrics & { failed?: string };
  if (res.failed) throw new Error(`${job.kind} on ${target.server} failed: ${res.failed}`);
  return res;
}
