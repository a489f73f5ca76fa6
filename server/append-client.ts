import type { EditMark, NewVersion } from '../lib/storage';
import { JobWorker } from './job-worker';

type Entry = { documentId: string; data: Uint8Array };

/**
 * One batch of updates to commit together, packed into one buffer that is transferred to the
 * worker, not copied. Posting an array of updates structured-cloned each one, and with it the
 * whole buffer behind it when the update was a view into a larger one (a socket read).
 */
export interface AppendJob {
  kind: 'append';
  /** The distinct documents of the batch. */
  documents: string[];
  count: number;
  /** `count` document indexes (u32), `count` end offsets (u32) into the bytes, then the bytes. */
  packed: ArrayBuffer;
  now: number;
}

/** An automatic version to save (see VersionRecorder); its data is copied to the worker. */
export interface VersionJob {
  kind: 'version';
  version: NewVersion;
}

/** Edit marks to record (see VersionRecorder); a small array, cloned. */
export interface MarksJob {
  kind: 'marks';
  marks: EditMark[];
}

export type AppendWorkerJob = AppendJob | VersionJob | MarksJob;

/** Packs a batch for the worker (one copy of the bytes, into a buffer of their exact size). */
export function packBatch(entries: readonly Entry[], now: number): AppendJob {
  const count = entries.length;
  const documents: string[] = [];
  const indexOf = new Map<string, number>();
  let bytes = 0;
  for (const e of entries) bytes += e.data.byteLength;
  const head = 8 * count;
  const packed = new ArrayBuffer(head + bytes);
  const docIndex = new Uint32Array(packed, 0, count);
  const ends = new Uint32Array(packed, 4 * count, count);
  const body = new Uint8Array(packed, head);
  let at = 0;
  for (let i = 0; i < count; i++) {
    const e = entries[i];
    let d = indexOf.get(e.documentId);
    if (d === undefined) {
      d = documents.push(e.documentId) - 1;
      indexOf.set(e.documentId, d);
    }
    docIndex[i] = d;
    body.set(e.data, at);
    at += e.data.byteLength;
    ends[i] = at;
  }
  return { kind: 'append', documents, count, packed, now };
}

/** The entries of a packed batch; their bytes are views into `job.packed`. */
export function unpackBatch(job: AppendJob): Entry[] {
  const { count, packed } = job;
  const docIndex = new Uint32Array(packed, 0, count);
  const ends = new Uint32Array(packed, 4 * count, count);
  const head = 8 * count;
  const out: Entry[] = new Array(count);
  let start = 0;
  for (let i = 0; i < count; i++) {
    out[i] = { documentId: job.documents[docIndex[i]], data: new Uint8Array(packed, head + start, ends[i] - start) };
    start = ends[i];
  }
  return out;
}

/** What the update writer needs from storage: one durable commit of a batch. */
export interface Appender {
  append(entries: readonly Entry[], now: number): Promise<void>;
}

/**
 * Commits update batches in a worker thread with its own SQLite connection (WAL lets it write
 * while the main connection reads). A synchronous SQLite commit with `synchronous=FULL` waits
 * for fsync; on the main thread that wait stalled every socket of the process (see
 * docs/BENCHMARKS.md). A batch in flight when the worker dies rejects, and its room reloads.
 */
export class AppendWorker implements Appender {
  private readonly jobs: JobWorker<AppendWorkerJob, void>;

  constructor(sqliteFile: string) {
    this.jobs = new JobWorker('append worker', new URL('./append-boot.mjs', import.meta.url), { sqliteFile });
  }

  /** Resolves once the worker's connection is open (the server calls this before it listens). */
  start(): Promise<void> {
    return this.jobs.start();
  }

  append(entries: readonly Entry[], now: number): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    const job = packBatch(entries, now);
    return this.jobs.run(job, [job.packed]);
  }

  /**
   * Saves a version in the worker, after the batches posted before it. On the main thread's
   * connection its commit (an fsync, and first SQLite's busy wait for this worker's write lock)
   * held the event loop: a thousand rooms unloading together, each saving its version, stalled
   * every other connection for about 0.95 s (docs/BENCHMARKS.md, rooms-1000).
   */
  saveVersion(version: NewVersion): Promise<void> {
    return this.jobs.run({ kind: 'version', version });
  }

  /** Records edit marks in the worker, after the batches posted before them (see saveVersion). */
  mark(marks: readonly EditMark[]): Promise<void> {
    if (marks.length === 0) return Promise.resolve();
    return this.jobs.run({ kind: 'marks', marks: [...marks] });
  }

  /** Stops the worker; callers drain the writer first, so nothing is in flight. */
  close(): Promise<void> {
    return this.jobs.close();
  }
}
