import { describe, expect, it } from 'vitest';
import { numberSetting, offDefaults, settingsLine } from './settings';

describe('bench settings recorded with the results', () => {
  it('keeps the settings that change a measurement and drops diagnostics and the rest', () => {
    const env = {
      BENCH_INGEST_WINDOW: '32',
      TANDEM_BENCH_COMPACT_AFTER_UPDATES: '5000',
      BENCH_FANOUT_SECONDS: '45',
      BENCH_CPU_TIMELINE: '1',
      BENCH_LOAD_LOG: '/tmp/l.log',
      BENCH_WARMUP_MS: '',
      PATH: '/usr/bin',
    };
    expect(offDefaults(env)).toEqual({ BENCH_FANOUT_SECONDS: '45', BENCH_INGEST_WINDOW: '32', TANDEM_BENCH_COMPACT_AFTER_UPDATES: '5000' });
    expect(Object.keys(offDefaults(env))).toEqual(['BENCH_FANOUT_SECONDS', 'BENCH_INGEST_WINDOW', 'TANDEM_BENCH_COMPACT_AFTER_UPDATES']);
  });

  it('writes a line only for a run off the defaults', () => {
    expect(settingsLine({})).toBe('');
    expect(settingsLine({ BENCH_INGEST_WINDOW: '32' })).toBe('Measured off the defaults: BENCH_INGEST_WINDOW=32.\n\n');
  });

  it('reads a numeric setting, empty counting as unset and nonsense refused', () => {
    expect(numberSetting('BENCH_INGEST_WINDOW', 256, 1, {})).toBe(256);
    expect(numberSetting('BENCH_INGEST_WINDOW', 256, 1, { BENCH_INGEST_WINDOW: '' })).toBe(256);
    expect(numberSetting('BENCH_INGEST_WINDOW', 256, 1, { BENCH_INGEST_WINDOW: '32' })).toBe(32);
    expect(numberSetting('BENCH_REWARM_MS', 1000, 0, { BENCH_REWARM_MS: '0' })).toBe(0);
    expect(() => numberSetting('BENCH_INGEST_WINDOW', 256, 1, { BENCH_INGEST_WINDOW: '0' })).toThrow('BENCH_INGEST_WINDOW must be a number of at least 1 (got "0")');
    expect(() => numberSetting('BENCH_FANOUT_SECONDS', 5, 0, { BENCH_FANOUT_SECONDS: 'ten' })).toThrow(/BENCH_FANOUT_SECONDS/);
  });
});
