import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { measureFor } from './probe';
import type { Target } from './conn';

/** The test process itself stands in for the server under test: its CPU is what /proc reports. */
const self: Target = { server: 'raw-ws', url: 'ws://127.0.0.1:1', docs: [], pid: process.pid };

/** The timeline's lines written to stderr from now on (anything else written there is ignored). */
function captureTimeline(): string[] {
  const lines: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    if (String(s).startsWith('cpu second')) lines.push(String(s));
    return true;
  });
  return lines;
}

describe('measureFor (the fan-out measured window)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('only waits when no timeline is asked for', async () => {
    vi.stubEnv('BENCH_CPU_TIMELINE', '');
    const lines = captureTimeline();
    const t0 = performance.now();
    await measureFor(self, 200, () => 0);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(195);
    expect(lines).toEqual([]);
  });

  it('with BENCH_CPU_TIMELINE, writes each second of the window, the last partial one included', async () => {
    vi.stubEnv('BENCH_CPU_TIMELINE', '1');
    const lines = captureTimeline();
    let delivered = 0;
    const t0 = performance.now();
    await measureFor(self, 2500, () => (delivered += 100));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(2490);
    expect(lines).toHaveLength(3);
    lines.forEach((l, i) => expect(l).toMatch(new RegExp(`^cpu second ${i + 1}: \\d+\\.\\d us per delivery \\(100 deliveries\\)\\n$`)));
  });
});
