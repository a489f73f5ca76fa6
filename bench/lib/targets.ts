import { WINDOW_ROWS, type DiskFigures } from './disk';
import type { Row } from './stats';

/** The targets, checked against a run's rows; `value` says what was measured. */
export interface Verdict {
  target: string;
  met: boolean | undefined;
  value: string;
  /** Measured, but at a size the target does not speak of (so `met` is undefined). */
  notJudged?: true;
}

const get = (rows: Row[], scenario: string, server: string, metric: string): number | undefined => {
  const v = rows.find((r) => r.scenario === scenario && r.server === server)?.[metric];
  return typeof v === 'number' ? v : undefined;
};

const check = (target: string, value: number | undefined, ok: (v: number) => boolean, fmt: (v: number) => string): Verdict =>
  value === undefined ? { target, met: undefined, value: 'not measured' } : { target, met: ok(value), value: fmt(value) };

/**
 * Idle memory is judged at 10,000 connections (`--full`): at the quick run's 1,000, V8 growing
 * its young generation under the first burst of upgrades is a one-off of 10-17 MB that alone
 * is over 10 KB per connection (bench/README.md).
 */
function idleVerdict(kb: number | undefined, connections: number | undefined): Verdict {
  const target = 'idle-10k: ≤ 10 KB RSS per idle connection';
  if (kb !== undefined && connections !== undefined && connections < 10_000) return { target, met: undefined, notJudged: true, value: `${kb} KB at ${connections} connections; judged at 10,000 (--full)` };
  return check(target, kb, (v) => v <= 10, (v) => `${v} KB`);
}

/**
 * `disk`: the run's bare commit latencies (disk.ts). An acknowledgement waits for its window's
 * commit and, at worst, the one in flight before it, so the ack figure is shown beside them.
 */
export function verdicts(rows: Row[], disk?: DiskFigures): Verdict[] {
  const f = (s: string, m: string) => get(rows, s, 'tandem', m);
  const ratio = (s: string, m: string, peer: string) => {
    const a = f(s, m);
    const b = get(rows, s, peer, m);
    return a !== undefined && b !== undefined && b > 0 ? a / b : undefined;
  };
  const x = (v: number) => `${v.toFixed(2)}×`;
  const out: Verdict[] = [
    check('fanout-50: CPU-µs per delivery ≤ 1.3× raw ws', ratio('fanout-50', 'cpu_us_per_delivery', 'raw-ws'), (v) => v <= 1.3, x),
    check('fanout-50: CPU-µs per delivery ≤ 0.67× Hocuspocus', ratio('fanout-50', 'cpu_us_per_delivery', 'hocuspocus'), (v) => v <= 0.67, x),
    check('fanout-50: p99 < 10 ms', f('fanout-50', 'p99_ms'), (v) => v < 10, (v) => `${v} ms`),
    check('ingest-b4: ≥ 40,000 updates/s durably acknowledged', f('ingest-b4', 'acks_per_s'), (v) => v >= 40_000, (v) => `${Math.round(v)} acks/s`),
    check('ingest-b4: acknowledgement p99 < 5 ms', f('ingest-b4', 'ack_p99_ms'), (v) => v < 5, (v) =>
      disk ? `${v} ms; this disk's bare ${WINDOW_ROWS}-row commit: p50 ${disk.window_commit_p50_ms} ms, p99 ${disk.window_commit_p99_ms} ms` : `${v} ms`),
    idleVerdict(f('idle-10k', 'rss_kb_per_conn'), f('idle-10k', 'connections')),
    check('cold-b4: server_ms < 50 ms', f('cold-b4', 'server_ms'), (v) => v < 50, (v) => `${v} ms`),
  ];
  const cold = f('cold-b4', 'time_to_synced_ms');
  const peersCold = rows.filter((r) => r.scenario === 'cold-b4' && r.server !== 'tandem').map((r) => r.time_to_synced_ms as number);
  out.push(check('cold-b4: time to synced no worse than any peer', cold === undefined || peersCold.length === 0 ? undefined : cold / Math.min(...peersCold), (v) => v <= 1, (v) => `${x(v)} the best peer`));
  return out;
}

export function verdictLines(rows: Row[], disk?: DiskFigures): string {
  const label = (v: Verdict) => (v.met === undefined ? (v.notJudged ? 'not judged' : 'not measured') : v.met ? 'met' : 'missed');
  return verdicts(rows, disk).map((v) => `- ${v.target}: **${label(v)}** (${v.value})`).join('\n') + '\n';
}
