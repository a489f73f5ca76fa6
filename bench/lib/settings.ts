/**
 * Environment settings that change what a run measures (bench/README.md). A results file lists
 * the ones that were set, so figures measured off the defaults (a smaller ingest window, a
 * longer fan-out round, Postgres storage, profiling flags) are never taken for a standard run's.
 * Diagnostics that only print (the timelines, the logs, BENCH_VERBOSE) are left out.
 */
const MEASURING = new Set([
  'BENCH_WARMUP_MS',
  'BENCH_REWARM_MS',
  'BENCH_FANOUT_SECONDS',
  'BENCH_INGEST_WINDOW',
  'BENCH_ROOMS_DOCS',
  'BENCH_TANDEM_NO_ACKS',
  'BENCH_NODE_FLAGS',
  'BENCH_LOAD_FLAGS',
  'BENCH_CPU_PROF',
  'BENCH_HEAP_SAMPLE',
]);

/** The measuring settings `env` sets (TANDEM_BENCH_* are Tandem's server settings), sorted by name. */
export function offDefaults(env: Record<string, string | undefined>): Record<string, string> {
  const set = Object.entries(env).filter((e): e is [string, string] => Boolean(e[1]) && (MEASURING.has(e[0]) || e[0].startsWith('TANDEM_BENCH_')));
  return Object.fromEntries(set.sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * A numeric setting: unset or empty means `fallback` (as {@link offDefaults} counts it), so an
 * empty `BENCH_INGEST_WINDOW=` never becomes a window of 0; anything else must be a number of
 * at least `min`.
 */
export function numberSetting(name: string, fallback: number, min = 0, env: Record<string, string | undefined> = process.env): number {
  const raw = env[name];
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new Error(`${name} must be a number of at least ${min} (got "${raw}")`);
  return n;
}

/** A line for latest.md, or nothing for a run on the defaults. */
export function settingsLine(settings: Record<string, string>): string {
  const set = Object.entries(settings);
  return set.length ? `Measured off the defaults: ${set.map(([k, v]) => `${k}=${v}`).join(', ')}.\n\n` : '';
}
