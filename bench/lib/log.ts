/**
 * `BENCH_VERBOSE=1`: phase logging with wall-clock timestamps and seconds since the run started,
 * to see where a run's time goes (server starts, fixtures, load processes, quiesce, stops).
 */
const START = Date.now();
export const verbose = !!process.env.BENCH_VERBOSE && process.env.BENCH_VERBOSE !== '0';

export function vlog(msg: string): void {
  if (!verbose) return;
  const now = new Date();
  process.stdout.write(`  ${now.toISOString().slice(11, 23)} +${((now.getTime() - START) / 1000).toFixed(1).padStart(6)} s  ${msg}\n`);
}

/** Runs `f`, logging how long it took (only with BENCH_VERBOSE). */
export async function phase<T>(name: string, f: () => Promise<T>): Promise<T> {
  if (!verbose) return f();
  const t0 = Date.now();
  try {
    return await f();
  } finally {
    vlog(`${name}: ${((Date.now() - t0) / 1000).toFixed(2)} s`);
  }
}
