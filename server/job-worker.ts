import { Worker, parentPort, type Transferable } from 'node:worker_threads';

/** Main thread → worker. */
export interface JobRequest<J> {
  id: number;
  job: J;
}

/** Worker → main thread: once when its setup settled, then one reply per job. */
export type JobMessage<V> =
  | { ready: true }
  | { ready: false; error: string }
  | { id: number; ok: true; value: V }
  | { id: number; ok: false; error: string; code?: string };

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * One `worker_threads` worker that runs jobs in order, for work that must not block the event
 * loop (commits and their fsync, compactions). Started on first use and again after it dies;
 * jobs in flight when it dies reject. Keeps the process alive only while a job runs. Errors keep
 * their `code` (e.g. SQLite's foreign-key violation, which means the document was deleted).
 */
export class JobWorker<J, V> {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, { resolve(v: V): void; reject(e: unknown): void }>();
  private nextId = 1;
  private closed = false;

  /** `entry`: a plain-JS boot file that registers tsx and loads the worker (see worker-boot.mjs). */
  constructor(
    private readonly name: string,
    private readonly entry: URL,
    private readonly workerData: unknown,
  ) {}

  /** Starts the worker and resolves once its setup succeeded (so first jobs do not wait for the boot). */
  start(): Promise<void> {
    const w = this.worker ?? this.spawn();
    return new Promise<void>((resolve, reject) => {
      const onMessage = (m: JobMessage<V>) => {
        if (!('ready' in m)) return;
        w.off('message', onMessage);
        w.off('exit', onExit);
        if (m.ready) resolve();
        else reject(new Error(`${this.name} could not start: ${m.error}`));
      };
      const onExit = (code: number) => reject(new Error(`${this.name} exited with code ${code} while starting`));
      w.on('message', onMessage);
      w.once('exit', onExit);
    });
  }

  /** Runs `job`; buffers in `transfer` move to the worker (unusable here afterwards) instead of being copied. */
  run(job: J, transfer?: readonly Transferable[]): Promise<V> {
    if (this.closed) return Promise.reject(new Error(`${this.name} is closed`));
    const worker = this.worker ?? this.spawn();
    const req: JobRequest<J> = { id: this.nextId++, job };
    return new Promise<V>((resolve, reject) => {
      this.pending.set(req.id, { resolve, reject });
      worker.ref();
      worker.postMessage(req, transfer);
    });
  }

  /** Stops the worker at once; jobs still pending reject. */
  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = undefined;
    this.failAll(w, new Error(`${this.name} closed`));
    if (w) await w.terminate();
  }

  private spawn(): Worker {
    // The boot file registers tsx itself; no flags of this process are needed.
    const w = new Worker(this.entry, { workerData: this.workerData, execArgv: [] });
    w.on('message', (m: JobMessage<V>) => {
      if ('ready' in m) return;
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) w.unref();
      if (m.ok) p.resolve(m.value);
      else p.reject(Object.assign(new Error(m.error), { code: m.code }));
    });
    w.on('error', (e) => this.failAll(w, e));
    w.on('exit', (code) => this.failAll(w, new Error(`${this.name} exited with code ${code}`)));
    this.worker = w;
    return w;
  }

  /** The worker died or is being stopped: its jobs will never answer. */
  private failAll(w: Worker | undefined, error: unknown): void {
    if (w === undefined || (this.worker !== undefined && this.worker !== w)) return;
    this.worker = undefined;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
}

/**
 * The worker side: reports whether `setup` succeeded, then runs each job after the previous one
 * and replies with its value or error (never throws out of the worker).
 */
export function serveJobs<S, J, V>(setup: Promise<S>, handle: (state: S, job: J) => Promise<V>): void {
  const port = parentPort!;
  setup.then(
    () => port.postMessage({ ready: true } satisfies JobMessage<V>),
    (e) => port.postMessage({ ready: false, error: messageOf(e) } satisfies JobMessage<V>),
  );
  let queue: Promise<void> = Promise.resolve();
  port.on('message', ({ id, job }: JobRequest<J>) => {
    queue = queue.then(async () => {
      let reply: JobMessage<V>;
      try {
        reply = { id, ok: true, value: await handle(await setup, job) };
      } catch (e) {
        reply = { id, ok: false, error: messageOf(e), code: (e as { code?: string })?.code };
      }
      port.postMessage(reply);
    });
  });
}
