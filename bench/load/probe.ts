import { performance } from 'node:perf_hooks';
import * as Y from 'yjs';
import { cpuMs } from '../lib/proc';
import { TRACE_TEXT } from '../lib/traces';
import { BenchConn, openMany, type Target } from './conn';

/** CPU time of the server under test (all of a cluster's processes). */
export const cpuOf = (t: Target) => (t.pids ?? [t.pid]).reduce((ms, pid) => ms + cpuMs(pid), 0);

/** Send times of writers' updates: client id → first clock of the update → time. */
export type SentAt = Map<number, Map<number, number>>;

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
    this.last = undefined;
    const clock = Y.getState(this.doc.store, this.doc.clientID);
    edit(this.doc.getText(TRACE_TEXT));
    if (!this.last) return 0;
    // Delete-only updates carry no new clock and cannot be traced; they are sent, not timed.
    if (Y.getState(this.doc.store, this.doc.clientID) > clock) this.sentAt.get(this.doc.clientID)!.set(clock, performance.now());
    return this.conn.sendUpdate(this.last);
  }
}

/**
 * Latency of every writer update any connection receives. Servers may merge several updates
 * into one broadcast (Hocuspocus 4 coalesces per event-loop turn), so each received update is
 * read for the clock ranges it covers; a connection's own updates echoed back are not counted.
 */
export function latencyProbe(sentAt: SentAt) {
  const lat: number[] = [];
  let recording = true;
  return {
    lat,
    stop: () => (recording = false),
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
          if (t !== undefined) lat.push(at - t);
        }
      }
    },
  };
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
