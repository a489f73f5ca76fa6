import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface LoopReport {
  /**
   * Largest interval between two ticks of `monitorEventLoopDelay` (10 ms resolution), in ms.
   * Node 20 records the whole interval, so an idle loop reads about 10 and a 30 ms block up
   * to 40: an upper bound on the longest block.
   */
  maxDelayMs: number;
  /** Largest lateness of a 5 ms `setInterval` probe, in ms. */
  maxLagMs: number;
  /** How long the watch lasted, in ms. */
  durationMs: number;
}

/** Watches the event loop until `stop()`; for asserting that work elsewhere does not block it. */
export function watchEventLoop(): { stop(): LoopReport } {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const every = 5;
  const start = performance.now();
  let last = start;
  let maxLag = 0;
  const probe = setInterval(() => {
    const now = performance.now();
    maxLag = Math.max(maxLag, now - last - every);
    last = now;
  }, every);
  return {
    stop() {
      clearInterval(probe);
      histogram.disable();
      // A watch shorter than one tick has no samples (max is 0); the probe still measured.
      return { maxDelayMs: histogram.max / 1e6, maxLagMs: maxLag, durationMs: performance.now() - start };
    },
  };
}

/**
 * Runs `work` while watching the event loop. Keeps watching for two histogram ticks after it
 * settles: a block at the very end (or a block that is all the work there is) only shows up
 * once the loop runs the probes again.
 */
export async function watched<T>(work: () => Promise<T>): Promise<{ result: T; loop: LoopReport }> {
  const w = watchEventLoop();
  try {
    const result = await work();
    await new Promise((r) => setTimeout(r, 25));
    return { result, loop: w.stop() };
  } catch (e) {
    w.stop();
    throw e;
  }
}
