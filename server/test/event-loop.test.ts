import { describe, expect, it } from 'vitest';
import { watched } from './event-loop';

function busy(ms: number) {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe('watched', () => {
  it('sees a block in the middle of the work', async () => {
    const { loop } = await watched(async () => {
      await new Promise((r) => setTimeout(r, 30));
      busy(80);
      await new Promise((r) => setTimeout(r, 30));
    });
    expect(loop.maxLagMs).toBeGreaterThanOrEqual(70);
    expect(loop.maxDelayMs).toBeGreaterThanOrEqual(80);
  });

  it('sees a block that is all the work there is, before any probe ran', async () => {
    const { result, loop } = await watched(async () => {
      busy(80);
      return 'done';
    });
    expect(result).toBe('done');
    // The histogram misses a block before its first tick; the interval probe does not.
    expect(loop.maxLagMs).toBeGreaterThanOrEqual(70);
  });
});
