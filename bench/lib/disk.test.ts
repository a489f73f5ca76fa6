import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { measureDisk } from './disk';

describe('disk probe', () => {
  it('times real commits in a fresh file and leaves nothing behind', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-disk-'));
    const d = measureDisk(dir, 40);
    for (const v of Object.values(d)) expect(v).toBeGreaterThan(0);
    expect(d.commit_p99_ms).toBeGreaterThanOrEqual(d.commit_p50_ms);
    expect(d.window_commit_p99_ms).toBeGreaterThanOrEqual(d.window_commit_p50_ms);
    expect(fs.readdirSync(dir)).toEqual([]);
    fs.rmSync(dir, { recursive: true });
  });
});
