import { performance } from 'node:perf_hooks';
import * as Y from 'yjs';
import { cpuMs } from '../lib/proc';
import { TRACE_TEXT } from '../lib/traces';
import { BenchConn, openMany, sleep, type Target } from './conn';

/** CPU time of the server under test (all of a cluster's processes). */
export const cpuOf = (t: Target) => (t.pids ?? [t.pid]).reduce((ms, pid) => ms + cpuMs(pid), 0);

/**
 * Waits `ms`. With `BENCH_CPU_TIMELINE=1` it also writes the server's CPU per delivery in each
 * second to stderr (see BENCH_LOAD_LOG), to tell a server whose cost is still falling from a
 * steady one. /proc counts CPU in 10 ms ticks: about ±2 µs per second at 5,400 deliveries/s.
 */
export async function measureFor(t: Target, ms: number, deliveries: () => number): Promise<void> {
  if (!process.env.BENCH_CPU_TIMELINE) return sleep(ms);
  const start = performance.now();
  let cpu = cpuOf(t);
  let n = deliveries();
  for (let s = 1; (s - 1) * 1000 < ms; s++) {
    const end = Math.min(s * 1000, ms);
    await sleep(Math.max(0, start + end - performance.now()));
    const [c, d] = [cpuOf(t), deliveries()];
    process.stderr.write(`cpu second ${s}: ${(((c - cpu) * 1000) / Math.max(1, d - n)).toFixed(1)} us per delivery (${d - n} deliveries)\n`);
    [cpu, n] = [c, d];
  }
}

/** Send times of writers' updates: client id → first clock of the update → time. */
export type SentAt = Map<number, Map<number, number>>;

/** An edit made ahead of its send: its update, and its first clock when it inserted anything. */
export interface Prepared {
  update: Uint8Array;
  clock: number | undefined;
}

/** Writers that type into their own Y.Doc; each update's send time is kept by (client, clock). */
export class Writer {
  readonly doc: Y.Doc;
  private last: Uint8Array | undefined;
  constructor(readonly conn: BenchConn, doc: Y.Doc, private readonly sentAt: SentAt) {
    this.doc = doc;
    this.doc.on('update', (u: Uint8Array) => (this.last = u));
    sentAt.set(doc.clientID, new Map());
  }
  type(edit: (t: Y.Text) => void): number {
    const p = this.prepare(edit);
    return p ? this.send(p) : 0;
  }

  /**
   * Makes an edit in this writer's document now and returns its update, to send later. A
   * writer never applies what others send, so its edits can all be made before a run and the
   * run itself spends nothing in Yjs (see rooms).
   */
  prepare(edit: (t: Y.Text) => void): Prepared | undefined {
    this.last = undefined;
    const clock = Y.getState(this.doc.store, this.doc.clientID);
    edit(this.doc.getText(TRACE_TEXT));
    if (!this.last) return undefined;
    // Delete-only updates carry no new clock and cannot be traced; they are sent, not timed.
    return { update: this.last, clock: Y.getState(this.doc.store, this.doc.clientID) > clock ? clock : undefined };
  }

  /** Sends an update from {@link prepare}, timed from now. */
  send(p: Prepared): number {
    if (p.clock !== undefined) this.sentAt.get(this.doc.clientID)!.set(p.clock, performance.now());
    return this.conn.sendUpdate(p.update);
  }
}

/**
 * Latency of every writer update any connection receives. Servers may merge several updates
 * into one broadcast (Hocuspocus 4 coalesces per event-loop turn), so each received update is
 * read for the clock ranges it covers; a connection's own updates echoed back are not counted.
 */
export function latencyProbe(sentAt: SentAt) {
  const lat: number[] = [];
  /** When each latency was measured (for BENCH_LATENCY_TIMELINE). */
  const arrivals: number[] = [];
  let recording = true;
  return {
    lat,
    stop: () => {
      recording = false;
      if (process.env.BENCH_LATENCY_TIMELINE) printTimeline(lat, arrivals);
    },
    onUpdate: (u: Uint8Array, at: number, own?: number) => {
      if (!recording) return;
      const { from, to } = Y.parseUpdateMeta(u);
      for (const [client, start] of from) {
        if (client === own) continue;
        const sent = sentAt.get(client);
        if (!sent) continue;
        const end = to.get(client) ?? start;
        for (let c = start; c < end; c++) {
          const t = sent.get(c);
          if (t !== undefined) {
            lat.push(at - t);
            arrivals.push(at);
          }
        }
      }
    },
  };
}

/**
 * `BENCH_LATENCY_TIMELINE=1`: delivery latency per second of the run (p50, p99, max) on the load
 * generator's stderr (see BENCH_LOAD_LOG), to tell a start-up stall from a steady queue.
 */
function printTimeline(lat: number[], arrivals: number[]): void {
  const bySecond = new Map<number, number[]>();
  arrivals.forEach((at, i) => {
    const s = Math.floor((at - arrivals[0]) / 1000);
    let l = bySecond.get(s);
    if (!l) bySecond.set(s, (l = []));
    l.push(lat[i]);
  });
  for (const [s, l] of bySecond) {
    l.sort((a, b) => a - b);
    const at = (q: number) => l[Math.min(l.length - 1, Math.floor(l.length * q))].toFixed(1);
    process.stderr.write(`latency second ${s}: n=${l.length} p50=${at(0.5)} p99=${at(0.99)} max=${at(1)} ms\n`);
  }
}

/** Opens `n` writer connections to `docOf(i)`, each with its own Y.Doc. */
export async function openWriters(t: Target, n: number, docOf: (i: number) => string, sentAt: SentAt, probe: ReturnType<typeof latencyProbe>, parallel: number) {
  const docs = Array.from({ length: n }, () => new Y.Doc());
  const conns = await openMany(t, n, docOf, parallel, (i) => ({ onUpdate: (u, at) => probe.onUpdate(u, at, docs[i].clientID) }));
  return conns.map((c, i) => new Writer(c, docs[i], sentAt));
}

export const timedCount = (sentAt: SentAt) => [...sentAt.values()].reduce((n, m) => n + m.size, 0);

export const errorsOf = (conns: BenchConn[]) => conns.filter((c) => c.error).length;
export const closeAll = (conns: BenchConn[]) => conns.forEach((c) => c.close());
