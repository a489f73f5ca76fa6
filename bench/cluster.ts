import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Target } from './load/conn';
import { closeLoad, runLoad, type Metrics } from './lib/load-process';
import { BENCH_DIR, pinning, startServer, stopServer, type Running } from './lib/servers';
import { interleave, median } from './lib/stats';

/**
 * `npm run bench:cluster [-- --runs=3 --seconds=10]`: Tandem on Postgres with Redis, as 1, 2
 * and 3 collaboration servers, interleaved (1 2 3, 2 3 1, 3 1 2...). The load is fanout-50
 * (one document, 50 subscribers, 5 writers at 20 updates/s) with connections spread
 * round-robin over the servers, so with several servers most deliveries cross Redis. Writes
 * bench/results/cluster.json and prints a table (medians).
 *
 * On a 2-core machine every server shares core 0 (the load runs on core 1): this measures what
 * the relay costs, not how throughput scales with machines.
 */
const argv = process.argv.slice(2);
const opt = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const RUNS = Number(opt('runs') ?? 3);
const SECONDS = Number(opt('seconds') ?? 10);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** One measurement: `n` servers on a fresh Postgres schema, fanout-50 spread over them. */
async function measure(n: number): Promise<Metrics> {
  const schema = `bench_cluster_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  const url = new URL(DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-cluster-'));
  Object.assign(process.env, { TANDEM_BENCH_DATABASE_URL: url.toString(), TANDEM_BENCH_REDIS_URL: REDIS_URL, TANDEM_BENCH_ROOM_UNLOAD_DELAY: '0' });
  const running: Running[] = [];
  try {
    // The first start creates the account and document (in Postgres); the others reuse them.
    for (let i = 0; i < n; i++) running.push(await startServer('tandem', dir, 1));
    const t = running[0].target;
    const target: Target = { ...t, urls: running.map((r) => r.target.url), pids: running.map((r) => r.target.pid) };
    const m = await runLoad(target, { kind: 'fanout', subscribers: 50, seconds: SECONDS });
    return { ...m, deliveries_per_s: m.deliveries / SECONDS };
  } finally {
    for (const r of running) await stopServer(r);
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  }
}

async function main() {
  const sizes = [1, 2, 3];
  const samples = new Map<number, Metrics[]>(sizes.map((n) => [n, []]));
  for (const [round, order] of interleave(sizes, RUNS).entries()) {
    for (const n of order) {
      const m = await measure(n);
      samples.get(n)!.push(m);
      console.log(`round ${round + 1}: ${n} server(s): p50 ${m.p50_ms.toFixed(2)} ms, p99 ${m.p99_ms.toFixed(2)} ms, ${Math.round(m.deliveries_per_s)} deliveries/s, lost ${m.lost}, errors ${m.errors}`);
    }
  }
  const keys = ['p50_ms', 'p99_ms', 'p999_ms', 'deliveries_per_s', 'cpu_us_per_delivery', 'lost', 'errors'];
  const rows = sizes.map((n) => {
    const m: Metrics = Object.fromEntries(keys.map((k) => [k, median(samples.get(n)!.map((x) => x[k]))]));
    return { scenario: 'cluster-fanout-50', servers: n, runs: RUNS, ...m } as { scenario: string; servers: number; runs: number } & Metrics;
  });
  const out = { date: new Date().toISOString(), machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`, pinning, seconds: SECONDS, rows };
  fs.mkdirSync(path.join(BENCH_DIR, 'results'), { recursive: true });
  fs.writeFileSync(path.join(BENCH_DIR, 'results', 'cluster.json'), JSON.stringify(out, null, 2) + '\n');
  console.log('\n| servers | p50 ms | p99 ms | p99.9 ms | deliveries/s | CPU µs/delivery (all servers) | lost | errors |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    console.log(`| ${r.servers} | ${r.p50_ms.toFixed(2)} | ${r.p99_ms.toFixed(2)} | ${r.p999_ms.toFixed(2)} | ${Math.round(r.deliveries_per_s)} | ${r.cpu_us_per_delivery.toFixed(1)} | ${r.lost} | ${r.errors} |`);
  }
}

main().finally(closeLoad).catch((e) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
