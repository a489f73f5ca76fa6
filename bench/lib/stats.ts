/** Pure statistics helpers for the bench (unit-tested in stats.test.ts). */

/** Nearest-rank percentile of an unsorted sample (q in [0, 1]); NaN when empty. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1];
}

export function median(values: readonly number[]): number {
  const v = values.filter((x) => Number.isFinite(x));
  if (v.length === 0) return NaN;
  const s = [...v].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Rounds to 3 significant digits (keeps JSON and tables readable). */
export function round3(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(x))));
  return Number(x.toFixed(Math.min(digits, 6)));
}

export type Row = { scenario: string; server: string } & Record<string, number | string | undefined>;

/**
 * Folds the runs of one scenario × server into one row of medians. Non-numeric or missing
 * values are ignored per metric; `runs` counts the runs folded.
 */
export function medianRow(scenario: string, server: string, runs: Record<string, number>[]): Row {
  const keys = new Set(runs.flatMap((r) => Object.keys(r)));
  const row: Row = { scenario, server, runs: runs.length };
  for (const k of [...keys].sort()) {
    const vals = runs.map((r) => r[k]).filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
    if (vals.length) row[k] = round3(median(vals));
  }
  return row;
}

/** `a / b` rounded, or undefined when either is missing or b is 0. */
export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  if (typeof a !== 'number' || typeof b !== 'number' || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return undefined;
  return round3(a / b);
}

/** Orders for interleaved runs: round r rotates the list by r, so no server always goes first. */
export function interleave<T>(items: readonly T[], rounds: number): T[][] {
  const out: T[][] = [];
  for (let r = 0; r < rounds; r++) out.push(items.map((_, i) => items[(i + r) % items.length]));
  return out;
}
