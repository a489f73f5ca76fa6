import { performance } from 'node:perf_hooks';
import { rssKb } from '../lib/proc';
import { percentile } from '../lib/stats';
import { BenchConn, openMany, sleep, type Target } from './conn';
import { closeAll, cpuOf, errorsOf } from './probe';
import type { Metrics } from './scenarios';

/** The connection scenarios: many sockets opened at once, idle or reconnecting. */

/**
 * idle-10k: `n` connections over `docs` documents; RSS per connection and connect-to-synced.
 * `timed` is told when the timed part (connecting) is over: the harness starts the next round's
 * server then. RSS is read once it has not changed for half a second (sampled every 100 ms; at
 * most 2 s): it settles about 250 ms after the last connection syncs, on every server.
 */
export async function idle(t: Target, n: number, docs: number, timed: () => void = () => {}): Promise<Metrics> {
  await sleep(300);
  const rss0 = rssKb(t.pid);
  const conns = await openMany(t, n, (i) => t.docs[i % docs], 200);
  timed();
  const rss1 = await settledRss(t.pid, 500, 2000);
  const times = conns.map((c) => c.syncedAt - c.startedAt);
  const errors = errorsOf(conns);
  closeAll(conns);
  return { rss_kb_per_conn: (rss1 - rss0) / n, time_to_synced_ms: percentile(times, 0.99), p50_ms: percentile(times, 0.5), errors };
}

/** The process's RSS once it has been the same for `stableMs` (or after `maxMs`). */
async function settledRss(pid: number, stableMs: number, maxMs: number): Promise<number> {
  const start = performance.now();
  let rss = rssKb(pid);
  let since = start;
  for (;;) {
    await sleep(100);
    const now = performance.now();
    const next = rssKb(pid);
    if (next !== rss) [rss, since] = [next, now];
    if (now - since >= stableMs || now - start >= maxMs) return rss;
  }
}

/** reconnect-5k: `n` synced clients drop at once and all reconnect at once. */
export async function reconnect(t: Target, n: number, docs: number): Promise<Metrics> {
  const first = await openMany(t, n, (i) => t.docs[i % docs], 200);
  first.forEach((c) => c.ws.terminate());
  await sleep(200);
  const cpu0 = cpuOf(t);
  const t0 = performance.now();
  const again = Array.from({ length: n }, (_, i) => new BenchConn(t, t.docs[i % docs]));
  const results = await Promise.allSettled(again.map((c) => Promise.race([c.synced, sleep(60_000).then(() => Promise.reject(new Error('timeout')))])));
  // The server's CPU from the reconnect to the last settled client: what a reconnect costs it.
  const cpu1 = cpuOf(t);
  const lastSynced = Math.max(...again.map((c) => c.syncedAt || 0));
  // Why clients failed, by kind (close code, timeout or socket error), as extra numeric fields.
  const kinds: Metrics = {};
  for (const r of results) {
    if (r.status !== 'rejected') continue;
    const msg = String((r.reason as Error)?.message ?? r.reason);
    const code = /^closed (\d+)/.exec(msg)?.[1];
    const kind = msg === 'timeout' ? 'timeout' : code ? `closed_${code}` : msg.replace(/\W+/g, '_').slice(0, 30);
    kinds[`error_${kind}`] = (kinds[`error_${kind}`] ?? 0) + 1;
  }
  closeAll(again);
  await sleep(500);
  // A client counts once whether its sync failed, its socket errored, or both.
  const errors = again.filter((c, i) => results[i].status === 'rejected' || c.error).length;
  return { time_to_synced_ms: lastSynced - t0, errors, server_cpu_us_per_conn: ((cpu1 - cpu0) * 1000) / n, ...kinds };
}
