import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Job } from './load/main';
import { closeLoad, prepareLoad, runLoad, type LoadOptions } from './lib/load-process';
import { markdownTable, pairwise, svgChart } from './lib/report';
import { verdictLines, verdicts } from './lib/targets';
import { measureDisk } from './lib/disk';
import { BENCH_DIR, pinning, quiesce, SERVERS, startServer, stopServer, tandemTemplate, versions, type Running, type ServerKind } from './lib/servers';
import { interleave, medianRow, type Row } from './lib/stats';
import { phase, vlog } from './lib/log';
import { numberSetting, offDefaults, settingsLine } from './lib/settings';
import { B4_FINAL_LENGTH, b4States, b4Updates, TRACES_DIR } from './lib/traces';

/**
 * `npm run bench [-- --full] [--only=fanout-50,...] [--servers=tandem,raw-ws] [--runs=3]`:
 * starts each server, drives it from a separate load-generator process, in interleaved rounds,
 * and writes bench/results/latest.json, latest.md and chart.svg.
 */
const argv = process.argv.slice(2);
const full = argv.includes('--full');
const opt = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const RUNS = Number(opt('runs') ?? 3);
const servers = (opt('servers')?.split(',') as ServerKind[] | undefined) ?? SERVERS;
const only = opt('only')?.split(',');
/** Rounds of the long steps in --full (ingest/cold, rooms, idle, reconnect); default RUNS. */
const HEAVY_RUNS = opt('heavy-runs') ? Number(opt('heavy-runs')) : undefined;
const RESULTS = path.join(BENCH_DIR, 'results');
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-'));

import type { Metrics } from './lib/load-process';
interface Step {
  /** Scenario ids this step measures (one server start can feed several). */
  ids: string[];
  /** Documents each server is started with. */
  docs: number;
  /** Rounds for this step when not the default (the quick run replays B4 once per server). */
  rounds?: number;
  /** Starts and stops its servers itself (a fresh server per round). */
  run?(kind: ServerKind, dir: string): Promise<Record<string, Metrics>>;
  /**
   * Or: each server is started once, with `docs` documents, and serves every round of the step
   * (a fresh document per round). Servers are not started and stopped a dozen times (most of a
   * quick run's time), and a server that has been up a while is what production runs.
   */
  shared?: { round(r: Running, round: number, gate: () => Promise<unknown>): Promise<Record<string, Metrics>> };
  /**
   * Or: a fresh server per round, started ahead: the next round's server starts once the current
   * round calls `timed` (its timed part is over), so that start-up is off the run's critical path
   * and never overlaps anything timed.
   */
  fresh?: { round(r: Running, timed: () => void): Promise<Record<string, Metrics>> };
}

const load = (r: Running, job: Job, o?: LoadOptions) => runLoad(r.target, job, o);

async function withServer<T>(kind: ServerKind, dir: string, docs: number, f: (r: Running) => Promise<T>): Promise<T> {
  const r = await startServer(kind, dir, docs);
  try {
    return await f(r);
  } finally {
    await stopServer(r);
  }
}

/** The target with only the document of `round` (scenarios use the first document). */
const docOf = (r: Running, round: number) => ({ ...r, target: { ...r.target, docs: [r.target.docs[round % r.target.docs.length]] } });

/**
 * A fan-out round on a server that has already served one warms up for this long instead of
 * the load generator's default (2 s): the server's code has run before, the new load process's
 * has not. Every server's cost still falls for 20-45 s of load (docs/BENCHMARKS.md); rounds
 * stop short of that alike.
 */
const REWARM_MS = numberSetting('BENCH_REWARM_MS', 1000);
/** BENCH_INGEST_WINDOW: updates in flight in the measured ingest-b4 replay (the default 256 saturates every server). */
const INGEST_WINDOW = numberSetting('BENCH_INGEST_WINDOW', 256, 1);

const fanout = (n: number, standardSeconds: number): Step => {
  // BENCH_FANOUT_SECONDS: every fan-out round measures this long instead (for per-second timelines).
  const seconds = numberSetting('BENCH_FANOUT_SECONDS', standardSeconds, 0.1);
  return {
    ids: [`fanout-${n}`],
    docs: RUNS,
    shared: {
      round: async (r, round, gate) => ({
        [`fanout-${n}`]: await load(docOf(r, round), { kind: 'fanout', subscribers: n, seconds, warmupMs: round > 0 ? REWARM_MS : undefined }, { gate }),
      }),
    },
  };
};

/** ingest-b4 seeds the document cold-b4 then joins after a restart (raw-ws stores nothing). */
const ingestCold: Step = {
  ids: full ? ['ingest-b4', 'cold-b4', 'cold-b4x10'] : ['ingest-b4', 'cold-b4'],
  // 0 measured (then joined cold), 1 seeded for cold-b4x10 (--full), 2 and 3 warm-ups.
  docs: 4,
  // A whole B4 replay takes 10-40 s per server on a shared 2-core machine: once each keeps the
  // quick run near 3 minutes; --full (and --runs) repeat it.
  rounds: full || opt('runs') ? HEAVY_RUNS : 1,
  async run(kind, dir) {
    const out: Record<string, Metrics> = {};
    await withServer(kind, dir, ingestCold.docs, async (r) => {
      // Unmeasured first: the first 20,000 B4 updates into each of two other documents, as
      // fan-out warms up. Replayed into a server that has just started, the first half second
      // ran in unoptimised code and made most of Tandem's slowest acknowledgements (10-48 ms);
      // and a server's second new document deopts Yjs's hot functions once more ("insufficient
      // type feedback" at its first updates), and recompiling them cost the measured replay's
      // first ~250 ms when it came second (docs/BENCHMARKS.md).
      let since = Date.now();
      for (const doc of [2, 3]) await load(r, { kind: 'ingest', window: 256, doc, limit: 20_000 });
      await quiesce(r, { minMs: 500, since });
      since = Date.now();
      out['ingest-b4'] = await load(r, { kind: 'ingest', window: INGEST_WINDOW });
      // raw-ws stores nothing and is not restarted: stopped right away.
      if (kind === 'raw-ws') return;
      if (full) await load(r, { kind: 'seed', doc: r.target.docs[1], copies: 10 });
      // Let Hocuspocus's store and queued writes (LevelDB) finish before the restart.
      await quiesce(r, { minMs: 500, since });
    });
    if (kind === 'raw-ws') return out;
    await withServer(kind, dir, ingestCold.docs, async (r) => {
      await new Promise((res) => setTimeout(res, 300));
      out['cold-b4'] = await load(r, { kind: 'cold', doc: r.target.docs[0], expectedLength: B4_FINAL_LENGTH });
      if (full) out['cold-b4x10'] = await load(r, { kind: 'cold', doc: r.target.docs[1], expectedLength: 10 * B4_FINAL_LENGTH });
    });
    return out;
  },
};

const idleStep = (connections: number, docs: number): Step => ({
  ids: ['idle-10k'],
  docs,
  rounds: full ? HEAVY_RUNS : undefined,
  fresh: { round: async (r, timed) => ({ 'idle-10k': { ...(await load(r, { kind: 'idle', connections, docs }, { onTimed: timed })), connections } }) },
});

const roomsStep = (docs: number, seconds: number): Step => ({
  ids: ['rooms-1000'],
  docs,
  rounds: HEAVY_RUNS,
  run: (kind, dir) => withServer(kind, dir, docs, async (r) => ({ 'rooms-1000': { ...(await load(r, { kind: 'rooms', docs, seconds })), documents: docs } })),
});

const reconnectStep = (connections: number, docs: number): Step => ({
  ids: ['reconnect-5k'],
  docs,
  rounds: HEAVY_RUNS,
  run: (kind, dir) => withServer(kind, dir, docs, async (r) => ({ 'reconnect-5k': { ...(await load(r, { kind: 'reconnect', connections, docs })), connections } })),
});

const steps: Step[] = full
  ? [fanout(10, 5), fanout(50, 5), fanout(200, 5), ingestCold, roomsStep(numberSetting('BENCH_ROOMS_DOCS', 1000, 1), 10), idleStep(10_000, 1000), reconnectStep(5000, 500)]
  : [fanout(50, 2.5), ingestCold, idleStep(1000, 100)];

function chartTitle(mode: string, date: string, runs: number, heavy: number): string {
  const rounds = heavy === runs ? `medians of ${runs}` : `fanout medians of ${runs}, other rows ${heavy === 1 ? 'single runs' : `medians of ${heavy}`}`;
  return `Tandem vs peers — ${mode} run, ${date.slice(0, 10)}, ${rounds}`;
}

/** `--render`: rewrites latest.md and chart.svg from latest.json without measuring. */
function render() {
  const r = JSON.parse(fs.readFileSync(path.join(RESULTS, 'latest.json'), 'utf8'));
  fs.writeFileSync(path.join(RESULTS, 'latest.md'), settingsLine(r.settings ?? {}) + markdownTable(r.rows) + '\n' + verdictLines(r.rows, r.machine?.disk));
  fs.writeFileSync(path.join(RESULTS, 'chart.svg'), svgChart(r.rows, chartTitle(r.mode, r.date, r.runs_per_figure, r.heavy_runs ?? r.runs_per_figure)));
}

async function main() {
  if (argv.includes('--render')) {
    fs.rmSync(TMP, { recursive: true, force: true });
    return render();
  }
  const started = Date.now();
  const log = (s: string) => process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${s}\n`);
  log(`${full ? 'full' : 'quick'} run: ${RUNS} interleaved rounds × ${servers.join(', ')}; pinning: ${pinning}; traces: ${TRACES_DIR}`);
  // Set-up that overlaps: the load generator's bundle and first process, Tandem's bundle and
  // fixtures (made once per document count, copied per round) while the traces load.
  const toRun = steps.filter((s) => !only || s.ids.some((id) => only.includes(id)));
  const prepared = Promise.all([
    prepareLoad(),
    ...(servers.includes('tandem') ? [...new Set(toRun.map((s) => s.docs))].map((d) => tandemTemplate(TMP, d)) : []),
  ]);
  b4Updates();
  if (full) b4States(10);
  await phase('set-up', () => prepared);
  // Before any server runs: the disk's own commit latency, the floor under durable acks.
  const disk = await phase('disk probe', async () => measureDisk(path.join(TMP, 'disk')));
  log(`disk: ${JSON.stringify(disk)}`);
  const samples = new Map<string, Metrics[]>();
  const failures: string[] = [];
  for (const step of steps) {
    if (only && !step.ids.some((id) => only.includes(id))) continue;
    const shared = new Map<ServerKind, Running>();
    /** Resolves when the shared server of the previous round has quiesced. */
    let settled: Promise<void> = Promise.resolve();
    if (step.shared) {
      for (const kind of servers) {
        try {
          shared.set(kind, await startServer(kind, path.join(TMP, `${step.ids[0]}-${kind}`), step.docs));
        } catch (e) {
          failures.push(`${step.ids.join('+')} ${kind}: ${(e as Error).message}`);
          log(`FAILED ${failures.at(-1)}`);
        }
      }
    }
    const plan = interleave(servers, step.rounds ?? RUNS).flatMap((order, round) => order.map((kind) => ({ kind, round })));
    const dirOf = (i: number) => path.join(TMP, `${step.ids[0]}-${plan[i].kind}-${plan[i].round}`);
    const start = (i: number) => {
      const s = startServer(plan[i].kind, dirOf(i), step.docs);
      s.catch(() => undefined); // reported when its round awaits it
      return s;
    };
    /** A fresh step's next server, started during the current round (see Step.fresh). */
    let ahead: { i: number; server: Promise<Running> } | undefined;
    for (const [i, { kind, round }] of plan.entries()) {
      const dir = dirOf(i);
      const running = shared.get(kind);
      let fresh: Running | undefined;
      try {
        if (step.shared && !running) continue;
        vlog(`${step.ids.join('+')} ${kind} round ${round + 1}`);
        let res: Record<string, Metrics>;
        if (running) {
          // The next server's load connects and warms up while the previous one quiesces (its
          // trailing stores and compactions); its measured window starts once that is done.
          // Unless the previous round ran on this same server (a run of one or two servers):
          // its quiesce would then wait on this round's warm-up load, and time out.
          if (i > 0 && plan[i - 1].kind === kind) await settled;
          const previous = settled;
          const since = Date.now();
          try {
            res = await step.shared!.round(running, round, () => previous);
          } finally {
            settled = quiesce(running, { since });
          }
        } else if (step.fresh) {
          fresh = await (ahead?.i === i ? ahead.server : start(i));
          res = await step.fresh.round(fresh, () => {
            if (i + 1 < plan.length) ahead = { i: i + 1, server: start(i + 1) };
          });
        } else res = await step.run!(kind, dir);
        for (const [id, m] of Object.entries(res)) {
          const key = `${id}\t${kind}`;
          samples.set(key, [...(samples.get(key) ?? []), m]);
          log(`${id} ${kind} round ${round + 1}: ${JSON.stringify(m)}`);
        }
      } catch (e) {
        failures.push(`${step.ids.join('+')} ${kind} round ${round + 1}: ${(e as Error).message}`);
        log(`FAILED ${failures.at(-1)}`);
      } finally {
        if (fresh) await stopServer(fresh);
        if (!running) fs.rmSync(dir, { recursive: true, force: true });
      }
    }
    await settled;
    for (const r of shared.values()) {
      await stopServer(r);
      fs.rmSync(r.dataDir, { recursive: true, force: true });
    }
  }
  const rows: Row[] = [...samples.entries()].map(([key, runs]) => {
    const [scenario, server] = key.split('\t');
    return medianRow(scenario, server, runs);
  });
  // --merge: keep the rows of scenarios this run did not measure from the previous latest.json.
  if (argv.includes('--merge') && fs.existsSync(path.join(RESULTS, 'latest.json'))) {
    const measured = new Set(rows.map((r) => r.scenario));
    const previous = JSON.parse(fs.readFileSync(path.join(RESULTS, 'latest.json'), 'utf8')) as { rows: Row[] };
    rows.push(...previous.rows.filter((r) => !measured.has(r.scenario)));
  }
  const order = (r: Row) => steps.flatMap((s) => s.ids).indexOf(r.scenario) * 10 + SERVERS.indexOf(r.server as ServerKind);
  rows.sort((a, b) => order(a) - order(b));
  const result = {
    date: new Date().toISOString(),
    mode: full ? 'full' : 'quick',
    machine: { cpu: os.cpus()[0]?.model, cores: os.cpus().length, memory_gb: Math.round(os.totalmem() / 2 ** 30), kernel: os.release(), pinning, disk },
    versions: versions(),
    runs_per_figure: RUNS,
    heavy_runs: HEAVY_RUNS ?? RUNS,
    settings: offDefaults(process.env),
    duration_s: Math.round((Date.now() - started) / 1000),
    rows,
    ratios: pairwise(rows),
    targets: verdicts(rows, disk),
    failures,
  };
  fs.mkdirSync(RESULTS, { recursive: true });
  fs.writeFileSync(path.join(RESULTS, 'latest.json'), JSON.stringify(result, null, 2) + '\n');
  fs.writeFileSync(path.join(RESULTS, 'latest.md'), settingsLine(result.settings) + markdownTable(rows) + '\n' + verdictLines(rows, disk));
  fs.writeFileSync(path.join(RESULTS, 'chart.svg'), svgChart(rows, chartTitle(result.mode, result.date, RUNS, result.heavy_runs)));
  process.stdout.write('\n' + settingsLine(result.settings) + markdownTable(rows) + '\n');
  for (const r of result.ratios) process.stdout.write(`${r.scenario}: tandem/${r.peer} ${r.metric} = ${r.tandem_over_peer}\n`);
  process.stdout.write('\n' + verdictLines(rows, disk));
  if (failures.length) process.stdout.write(`\n${failures.length} failures:\n${failures.join('\n')}\n`);
  log('wrote bench/results/latest.json, latest.md, chart.svg');
  closeLoad();
  fs.rmSync(TMP, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
