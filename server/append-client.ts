import { Worker } from 'node:worker_threads';

export interface AppendRequest {
  id: number;
  documentIds: string[];
  data: Uint8Array[];
  now: number;
}

export type AppendReply = { id: number; ok: true } | { id: number; ok: false; message: string; code?: string };
/** Sent once by the worker when its database connection is open (or could not be opened). */
export type ReadyReply = { ready: true } | { ready: false; message: string };

/** What the update writer needs from storage: one durable commit of a batch. */
export interface Appender {
  append(entries: readonly { documentId: string; data: Uint8Array }[], now: number): Promise<void>;
}

/**
 * Commits update batches in a `worker_threads` worker with its own SQLite connection (WAL lets
 * it write while the main connection reads). A synchronous SQLite commit with
 * `synchronous=FULL` waits for fsync; on the main thread that wait stalled every socket of
 * the process (see docs/BENCHMARKS.md). Errors keep their SQLite `code`, so a foreign-key
 * violation (document deleted) is still recognised. Started on first use and again after it
 * dies; batches in flight when it dies reject, and their rooms reload from disk.
 */
export class AppendWorker implements Appender {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, { resolve(): void; reject(e: unknown): void }>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly sqliteFile: string) {}

  /**
   * Starts the worker and resolves once its connection is open, so the first commits are not
   * delayed by the thread booting (the server calls this before it listens).
   */
  start(): Promise<void> {
    const w = this.worker ?? this.spawn();
    return new Promise<void>((resolve, reject) => {
      const onReady = (m: ReadyReply | AppendReply) => {
        if (!('ready' in m)) return;
        w.off('message', onReady);
        w.off('exit', onExit);
        if (m.ready) resolve();
        else reject(new Error(`append worker could not open the database: ${m.message}`));
      };
      const onExit = (code: number) => reject(new Error(`append worker exited with code ${code} while starting`));
      w.on('message', onReady);
      w.once('exit', onExit);
    });
  }

  append(entries: readonly { documentId: string; data: Uint8Array }[], now: number): Promise<void> {
    if (this.closed) return Promise.reject(new Error('append worker is closed'));
    if (entries.length === 0) return Promise.resolve();
    const worker = this.worker ?? this.spawn();
    const req: AppendRequest = { id: this.nextId++, documentIds: entries.map((e) => e.documentId), data: entries.map((e) => e.data), now };
    return new Promise<void>((resolve, reject) => {
      this.pending.set(req.id, { resolve, reject });
      worker.ref();
      worker.postMessage(req);
    });
  }

  /** Stops the worker; callers drain the writer first, so nothing is in flight. */
  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = undefined;
    this.failAll(w, new Error('append worker closed'));
    if (w) await w.terminate();
  }

  private spawn(): Worker {
    const w = new Worker(new URL('./append-boot.mjs', import.meta.url), { workerData: { sqliteFile: this.sqliteFile }, execArgv: [] });
    w.on('message', (reply: AppendReply | ReadyReply) => {
      if ('ready' in reply) return;
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) w.unref();
      if (reply.ok) p.resolve();
      else p.reject(Object.assign(new Error(reply.message), { code: reply.code }));
    });
    w.on('error', (e) => this.failAll(w, e));
    w.on('exit', (code) => this.failAll(w, new Error(`append worker exited with code ${code}`)));
    this.worker = w;
    return w;
  }

  private failAll(w: Worker | undefined, error: unknown): void {
    if (w === undefined || (this.worker !== undefined && this.worker !== w)) return;
    this.worker = undefined;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
}
