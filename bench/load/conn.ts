import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { decodeIncoming, encodeHocusAuth, encodeSync, SYNC_STEP1, SYNC_STEP2, SYNC_UPDATE, type Dialect } from '../lib/wire';

/** How the load generator reaches one server under test (printed by the server launcher). */
export interface Target {
  server: 'tandem' | 'hocuspocus' | 'y-websocket' | 'raw-ws';
  url: string;
  /** Document names (Tandem: ids of documents the bench account owns). */
  docs: string[];
  cookie?: string;
  origin?: string;
  pid: number;
  /** Several servers of one cluster (Tandem with Redis): connections go round-robin over them. */
  urls?: string[];
  /** Their process ids: CPU is summed over all of them. */
  pids?: number[];
}

let spread = 0;
/** The server URL for the next connection: the only one, or the next of a cluster. */
const nextUrl = (t: Target) => (t.urls && t.urls.length > 0 ? t.urls[spread++ % t.urls.length] : t.url);

export function dialectOf(t: Target): Dialect {
  return t.server === 'hocuspocus' ? 'hocus' : 'y';
}

const EMPTY_SV = new Uint8Array([0]);
const EMPTY_UPDATE = new Uint8Array([0, 0]);

export interface ConnOptions {
  /** Called with every relayed update (not sync step 2) and when it arrived. */
  onUpdate?: (update: Uint8Array, at: number) => void;
  /** Tandem durable acknowledgement, cumulative. */
  onAck?: (n: number, at: number) => void;
  onSyncStatus?: (at: number) => void;
  /** The state to offer in our sync step 2 (default: nothing). */
  localState?: () => Uint8Array;
  /** The state vector to ask with (default: empty, i.e. everything). */
  stateVector?: Uint8Array;
}

/**
 * One load-generator connection speaking y-protocols: answers the server's sync step 1, asks
 * for the document with its own step 1, and counts as synced when the step 2 answer arrives
 * (the raw relay has no state: synced on open).
 */
export class BenchConn {
  readonly ws: WebSocket;
  readonly dialect: Dialect;
  readonly startedAt = performance.now();
  syncedAt = 0;
  step2Bytes = 0;
  step2: Uint8Array | undefined;
  bytesReceived = 0;
  /** Update-bearing frames sent (Tandem counts these for acks). */
  sentUpdates = 0;
  closed = false;
  error: string | undefined;
  readonly synced: Promise<void>;

  constructor(readonly target: Target, readonly doc: string, private readonly o: ConnOptions = {}) {
    this.dialect = dialectOf(target);
    const url =
      target.server === 'hocuspocus' ? target.url : `${nextUrl(target)}/${encodeURIComponent(doc)}${target.server === 'tandem' && !process.env.BENCH_TANDEM_NO_ACKS ? '?tandem=1' : ''}`;
    const headers: Record<string, string> = {};
    if (target.cookie) headers.cookie = target.cookie;
    if (target.origin) headers.origin = target.origin;
    this.ws = new WebSocket(url, { headers, perMessageDeflate: false });
    this.ws.binaryType = 'nodebuffer';
    let resolve!: () => void;
    let reject!: (e: Error) => void;
    this.synced = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
    this.synced.catch(() => undefined);
    this.ws.on('open', () => {
      if (this.dialect === 'hocus') this.ws.send(encodeHocusAuth(doc, 'bench'));
      if (target.server === 'raw-ws') {
        this.syncedAt = performance.now();
        resolve();
        return;
      }
      this.ws.send(encodeSync(this.dialect, doc, SYNC_STEP1, o.stateVector ?? EMPTY_SV));
    });
    this.ws.on('message', (data: Buffer) => {
      const at = performance.now();
      this.bytesReceived += data.length;
      if (target.server === 'raw-ws') {
        o.onUpdate?.(rawUpdate(data), at);
        return;
      }
      let m;
      try {
        m = decodeIncoming(this.dialect, data);
      } catch (e) {
        this.error = `bad frame: ${(e as Error).message}`;
        return;
      }
      switch (m.kind) {
        case 'step1':
          this.sendUpdateBearing(encodeSync(this.dialect, doc, SYNC_STEP2, o.localState?.() ?? EMPTY_UPDATE));
          break;
        case 'step2':
          if (!this.syncedAt) {
            this.syncedAt = at;
            this.step2 = m.update;
            this.step2Bytes = data.length;
            resolve();
          }
          break;
        case 'update':
          o.onUpdate?.(m.update, at);
          break;
        case 'ack':
          o.onAck?.(m.n, at);
          break;
        case 'sync-status':
          o.onSyncStatus?.(at);
          break;
        case 'other':
          break;
      }
    });
    this.ws.on('error', (e) => {
      this.error = e.message;
      reject(e);
    });
    this.ws.on('close', (code, reason) => {
      this.closed = true;
      if (!this.syncedAt) reject(new Error(`closed ${code} ${reason.toString()} before sync`));
      else if (code !== 1000 && code !== 1005 && !this.error) this.error = `closed ${code} ${reason.toString()}`;
    });
  }

  private sendUpdateBearing(frame: Uint8Array) {
    this.sentUpdates++;
    this.ws.send(frame);
  }

  /** Sends one Yjs update; returns its ordinal among this connection's update-bearing frames. */
  sendUpdate(update: Uint8Array): number {
    this.sendUpdateBearing(encodeSync(this.dialect, this.doc, SYNC_UPDATE, update));
    return this.sentUpdates;
  }

  /** Runs `f` with this socket's writes held, so a burst of frames leaves in one system call. */
  burst(f: () => void) {
    const socket = (this.ws as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
    socket?.cork();
    try {
      f();
    } finally {
      socket?.uncork();
    }
  }

  close() {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000);
  }
}

/** The raw relay forwards frames verbatim: the frame is a y-websocket sync update. */
function rawUpdate(data: Buffer): Uint8Array {
  const m = decodeIncoming('y', data);
  return m.kind === 'update' || m.kind === 'step2' ? m.update : new Uint8Array([0]);
}

/** Opens `n` connections with at most `parallel` handshakes in flight; resolves when all synced. */
export async function openMany(target: Target, n: number, docOf: (i: number) => string, parallel = 100, o: (i: number) => ConnOptions = () => ({})): Promise<BenchConn[]> {
  const conns: BenchConn[] = new Array(n);
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      conns[i] = new BenchConn(target, docOf(i), o(i));
      await conns[i].synced;
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, n) }, worker));
  return conns;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
