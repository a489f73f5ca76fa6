import { performance } from 'node:perf_hooks';
import * as Y from 'yjs';
import { percentile } from '../lib/stats';
import { rssKb } from '../lib/proc';
import { numberSetting } from '../lib/settings';
import { b4States, b4Updates, clownschoolPace, TRACE_TEXT } from '../lib/traces';
import { BenchConn, openMany, sleep, type Target } from './conn';
import { Coverage } from './coverage';
import { closeAll, cpuOf, errorsOf, latencyProbe, measureFor, openWriters, timedCount, Writer, type SentAt } from './probe';

export type Metrics = Record<string, number>;

/** Unmeasured load before a fan-out measurement starts (see fanout). */
const FANOUT_WARMUP_MS = numberSetting('BENCH_WARMUP_MS', 2000);

/**
 * fanout-N: one document, N subscribers, 5 writers at 20 updates/s each (after a warm-up).
 * `gate` (the harness's GO) holds the measured window until the core is the server's alone;
 * the load goes on meanwhile, unmeasured, as during the warm-up.
 */
export async function fanout(t: Target, subscribers: number, seconds: number, gate?: () => Promise<void>, warmupMs = FANOUT_WARMUP_MS): Promise<Metrics> {
  const sentAt: SentAt = new Map();
  const probe = latencyProbe(sentAt);
  const doc = t.docs[0];
  const subs = await openMany(t, subscribers, () => doc, 50, () => ({ onUpdate: (u, at) => probe.onUpdate(u, at) }));
  const writers = await openWriters(t, 5, () => doc, sentAt, probe, 5);
  const wconns = writers.map((w) => w.conn);
  // Every connection has synced; the warm-up below is unmeasured anyway.
  await sleep(100);
  const timers = writers.map((w, i) => {
    let n = 0;
    const tick = () => w.type((text) => text.insert(Math.floor(Math.random() * (text.length + 1)), String.fromCharCode(97 + ((n++ + i) % 26))));
    // Staggered so the five writers do not fire in the same tick.
    return setTimeout(() => void timersById.set(i, setInterval(tick, 50)), i * 10);
  });
  const timersById = new Map<number, NodeJS.Timeout>();
  // The same load, unmeasured, first: a server serves for hours, so its first seconds (the JIT
  // not yet warm) are not what a delivery costs. Updates still in flight when measuring starts
  // are not timed (their send times are dropped), so they count for no server.
  await sleep(warmupMs);
  if (gate) await gate();
  for (const m of sentAt.values()) m.clear();
  probe.lat.length = 0;
  const cpu0 = cpuOf(t);
  await measureFor(t, seconds * 1000, () => probe.lat.length);
  timers.forEach(clearTimeout);
  timersById.forEach(clearInterval);
  // The last updates' deliveries (p99.9 is a few ms) and the server's work for them.
  await sleep(300);
  const cpu1 = cpuOf(t);
  probe.stop();
  const all = [...subs, ...wconns];
  const deliveries = probe.lat.length;
  const expected = timedCount(sentAt) * (all.length - 1);
  closeAll(all);
  return {
    p50_ms: percentile(probe.lat, 0.5),
    p99_ms: percentile(probe.lat, 0.99),
    p999_ms: percentile(probe.lat, 0.999),
    cpu_us_per_delivery: ((cpu1 - cpu0) * 1000) / deliveries,
    deliveries,
    lost: expected - deliveries,
    errors: errorsOf(all),
  };
}

const ACK_TIMELINE = Boolean(process.env.BENCH_ACK_TIMELINE);

/**
 * ingest-b4: one client sends the whole B4 trace as fast as the server takes it: at most
 * `window` updates in flight, that is sent but not yet relayed to an observer in the same room
 * (on Tandem, or not yet durably acknowledged: it promises both). Ack latency is from send to
 * the covering ack.
 */
export async function ingest(t: Target, window: number, o: { doc?: number; limit?: number } = {}): Promise<Metrics> {
  const updates = o.limit === undefined ? b4Updates() : b4Updates().slice(0, o.limit);
  const doc = t.docs[o.doc ?? 0];
  const N = updates.length;
  let received = 0;
  let sent = 0;
  let lastRecvAt = 0;
  let lastAck = 0;
  let lastAckAt = 0;
  const sendTimes = new Float64Array(N + 2);
  const ackLat: number[] = [];
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  const tandem = t.server === 'tandem';
  let writer!: BenchConn;
  /** When the measured replay started. */
  let t0 = 0;
  const check = () => {
    if (received >= N && (!tandem || lastAck >= writer.sentUpdates)) finish();
  };
  // An update is taken once relayed, and on Tandem once durably acknowledged too: at most
  // `window` updates are between the client and that point (acks count from `ackBase`).
  let ackBase = 0;
  /** Set when the measured replay starts (acks of the initial sync come before it). */
  let counting = false;
  const taken = () => (tandem ? Math.min(received, lastAck - ackBase) : received);
  const pump = () => {
    if (!counting || sent >= N || sent - taken() >= window) return;
    writer.burst(() => {
      const now = performance.now();
      while (sent < N && sent - taken() < window) {
        const ord = writer.sendUpdate(updates[sent++]);
        if (ord < sendTimes.length) sendTimes[ord] = now;
      }
    });
  };
  // Hocuspocus merges broadcasts, so its progress is its per-update SyncStatus reply instead.
  const hocus = t.server === 'hocuspocus';
  const progress = (at: number) => {
    if (!counting) return;
    received++;
    lastRecvAt = at;
    pump();
    check();
  };
  // Servers may merge updates that arrived together into one relay; count what frames cover.
  const coverage = new Coverage(updates);
  const observer = new BenchConn(t, doc, {
    onUpdate: (u, at) => {
      if (hocus) return;
      const k = coverage.add(u);
      if (k === 0) return;
      received += k;
      lastRecvAt = at;
      pump();
      check();
    },
  });
  await observer.synced;
  writer = new BenchConn(t, doc, {
    onAck: (n, at) => {
      let worst = 0;
      for (let k = lastAck + 1; k <= n && k < sendTimes.length; k++) {
        if (!sendTimes[k]) continue;
        const lat = at - sendTimes[k];
        ackLat.push(lat);
        if (lat > worst) worst = lat;
      }
      // BENCH_ACK_TIMELINE=1: when in the replay the slow acknowledgements (over 5 ms) came.
      if (ACK_TIMELINE && counting && worst > 5) process.stderr.write(`slow ack ${(at - t0).toFixed(1)} ms into the replay: ${worst.toFixed(1)} ms, covering ${n - lastAck}\n`);
      lastAck = n;
      lastAckAt = at;
      pump();
      check();
    },
    onSyncStatus: (at) => progress(at),
  });
  await writer.synced;
  await sleep(200);
  // Tandem: the writer's empty sync step 2 is acknowledged too; wait for it so ack n maps to send n.
  if (tandem) while (lastAck < writer.sentUpdates) await sleep(5);
  ackBase = lastAck;
  const cpu0 = cpuOf(t);
  t0 = performance.now();
  // The start on CLOCK_MONOTONIC (ns), to line the timeline up with `perf record -k CLOCK_MONOTONIC`.
  if (ACK_TIMELINE) process.stderr.write(`replay start mono ${process.hrtime.bigint()}\n`);
  counting = true;
  pump();
  const timeout = setTimeout(finish, 120_000);
  await done;
  clearTimeout(timeout);
  const cpu1 = cpuOf(t);
  const m: Metrics = {
    updates_per_s: (received / (lastRecvAt - t0)) * 1000,
    cpu_us_per_update: ((cpu1 - cpu0) * 1000) / N,
    errors: errorsOf([observer, writer]) + (received < N ? 1 : 0),
  };
  if (tandem) {
    m.acks_per_s = ((lastAck - 1) / (lastAckAt - t0)) * 1000;
    m.ack_p50_ms = percentile(ackLat, 0.5);
    m.ack_p99_ms = percentile(ackLat, 0.99);
  }
  closeAll([observer, writer]);
  return m;
}

/** Seeds a document with `copies` whole B4 histories (one update each), for cold-b4 --full. */
export async function seedStates(t: Target, doc: string, copies: number): Promise<Metrics> {
  const states = b4States(copies);
  let got = 0;
  const observer = new BenchConn(t, doc, { onUpdate: () => got++ });
  await observer.synced;
  const writer = new BenchConn(t, doc);
  await writer.synced;
  let acked = 0;
  for (const s of states) {
    writer.sendUpdate(s);
    while (writer.ws.bufferedAmount > 0) await sleep(5);
  }
  const start = performance.now();
  while (got < copies && performance.now() - start < 120_000) await sleep(20);
  acked = got;
  closeAll([observer, writer]);
  return { seeded: acked, errors: acked < copies ? 1 : 0 };
}

/**
 * cold-b4: a new client joins a stored document the server has not loaded. The state counts
 * as arrived when the client holds the whole text: the y-websocket server answers the sync
 * before its LevelDB load finishes and sends the stored state afterwards as an update, so
 * later updates are applied until the text is complete (or 30 s pass).
 */
export async function cold(t: Target, doc: string, expectedLength: number): Promise<Metrics> {
  const y = new Y.Doc();
  const text = y.getText(TRACE_TEXT);
  let lastStateAt = 0;
  let doneAt = 0;
  const apply = (u: Uint8Array, at: number) => {
    Y.applyUpdate(y, u);
    lastStateAt = Math.max(lastStateAt, at);
    if (!doneAt && text.length >= expectedLength) doneAt = performance.now();
  };
  // A state that comes in several frames is not applied frame by frame as it arrives: applying
  // one would hold up reading the next, and the next one's arrival (server_ms) would include
  // the client's work. Updates before the sync step 2 wait for it; later ones are applied after
  // the frames that came in with them. time_to_synced_ms still includes every apply.
  const queued: [Uint8Array, number][] = [];
  const applyQueued = () => {
    for (const [u, at] of queued.splice(0)) apply(u, at);
  };
  const t0 = performance.now();
  const c: BenchConn = new BenchConn(t, doc, {
    onUpdate: (u, at) => {
      if (queued.push([u, at]) === 1 && c.syncedAt) setImmediate(applyQueued);
    },
  });
  await c.synced;
  applyQueued();
  apply(c.step2!, c.syncedAt);
  const deadline = performance.now() + 30_000;
  while (text.length < expectedLength && performance.now() < deadline) await sleep(1);
  const length = text.length;
  const bytes = c.bytesReceived;
  c.close();
  return {
    server_ms: lastStateAt - t0,
    time_to_synced_ms: (doneAt || performance.now()) - t0,
    bytes_sent: bytes,
    errors: (length === expectedLength ? 0 : 1) + (c.error ? 1 : 0),
    text_length: length,
  };
}

/** rooms-1000: `docs` documents × 3 clients typing at the clownschool trace's per-author pace. */
export async function rooms(t: Target, docs: number, seconds: number): Promise<Metrics> {
  const { intervalMs, patches } = clownschoolPace();
  // The trace is two authors linearised: one author's pace is half the trace's.
  const perAuthorMs = intervalMs * 2;
  const sentAt: SentAt = new Map();
  const probe = latencyProbe(sentAt);
  await sleep(300);
  const rss0 = rssKb(t.pid);
  const writers = await openWriters(t, docs * 3, (i) => t.docs[Math.floor(i / 3) % t.docs.length], sentAt, probe, 200);
  const conns = writers.map((w) => w.conn);
  // Every writer's edits for the whole run are made before it starts: a saturated server makes
  // the load process's sends dearer (the kernel's work for a socket whose reader lags is
  // charged to the writer), and with the Yjs work in the run too the load process fell behind
  // its schedule for some servers and not others, so they were measured under different loads.
  const plans = writers.map((w, i) => {
    const intervalMs = perAuthorMs * (0.5 + Math.random());
    let k = (i * 997) % patches.length;
    const edits = Array.from({ length: Math.ceil((seconds * 1000) / intervalMs) + 1 }, () => {
      const [pos, del, ins] = patches[k++ % patches.length];
      return w.prepare((text) => {
        const p = Math.min(pos, text.length);
        if (del > 0 && p < text.length) text.delete(p, Math.min(del, text.length - p));
        if (ins) text.insert(p, ins);
      });
    });
    return { intervalMs, edits, next: 0 };
  });
  /** The send rate the schedule asks for; `updates_per_s` below it means the load process fell behind. */
  const offered = plans.reduce((n, p) => n + 1000 / p.intervalMs, 0);
  let sent = 0;
  const start = performance.now();
  const timers = writers.map((w, i) => {
    const plan = plans[i];
    const tick = () => {
      const edit = plan.edits[plan.next++];
      sent++;
      if (edit) w.send(edit);
    };
    return setTimeout(() => void intervals.push(setInterval(tick, plan.intervalMs)), Math.random() * perAuthorMs);
  });
  const intervals: NodeJS.Timeout[] = [];
  await sleep(seconds * 1000);
  timers.forEach(clearTimeout);
  intervals.forEach(clearInterval);
  const elapsed = performance.now() - start;
  await sleep(1000);
  const rss1 = rssKb(t.pid);
  probe.stop();
  closeAll(conns);
  return {
    updates_per_s: (sent / elapsed) * 1000,
    offered_per_s: offered,
    deliveries_per_s: (probe.lat.length / elapsed) * 1000,
    p50_ms: percentile(probe.lat, 0.5),
    p99_ms: percentile(probe.lat, 0.99),
    rss_kb_per_doc: (rss1 - rss0) / docs,
    errors: errorsOf(conns),
  };
}
