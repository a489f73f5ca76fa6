import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Target } from '../load/conn';
import type { Job } from '../load/main';
import { BENCH_DIR, pinned, ROOT_DIR } from './servers';

export type Metrics = Record<string, number>;

/** Runs one job in its own load-generator process (pinned to core 1) against `target`. */
export async function runLoad(target: Target, job: Job, timeoutMs = 300_000): Promise<Metrics> {
  const [cmd, args] = pinned(1, process.execPath, ['--import', 'tsx', path.join(BENCH_DIR, 'load/main.ts'), JSON.stringify({ target, job })]);
  const p = spawn(cmd, args, { cwd: ROOT_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  p.stdout.on('data', (d) => (out += d));
  p.stderr.on('data', (d) => (err = (err + d).slice(-4000)));
  const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
  await new Promise((res) => p.once('exit', res));
  clearTimeout(timer);
  const m = /RESULT (.*)\n/.exec(out);
  if (!m) throw new Error(`load generator gave no result for ${job.kind} on ${target.server}: ${err}`);
  const res = JSON.parse(m[1]) as Metrics & { failed?: string };
  if (res.failed) throw new Error(`${job.kind} on ${target.server} failed: ${res.failed}`);
  return res;
}
