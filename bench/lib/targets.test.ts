import { describe, expect, it } from 'vitest';
import type { Row } from './stats';
import { verdictLines, verdicts } from './targets';

const idle = (connections: number, kb: number): Row[] => [{ scenario: 'idle-10k', server: 'tandem', runs: 3, connections, rss_kb_per_conn: kb }];
const idleVerdict = (rows: Row[]) => verdicts(rows).find((v) => v.target.startsWith('idle-10k'))!;

describe('target verdicts', () => {
  it('judges idle memory only at 10,000 connections', () => {
    expect(idleVerdict(idle(10_000, 9.4))).toMatchObject({ met: true, value: '9.4 KB' });
    expect(idleVerdict(idle(10_000, 10.2))).toMatchObject({ met: false });
    expect(idleVerdict(idle(1000, 27.3))).toEqual({ target: 'idle-10k: ≤ 10 KB RSS per idle connection', met: undefined, notJudged: true, value: '27.3 KB at 1000 connections; judged at 10,000 (--full)' });
    expect(verdictLines(idle(1000, 27.3))).toContain('idle-10k: ≤ 10 KB RSS per idle connection: **not judged** (27.3 KB at 1000 connections');
  });

  it('says what was not measured, and checks ratios against the peers of the same run', () => {
    expect(verdictLines([])).toContain('fanout-50: p99 < 10 ms: **not measured** (not measured)');
    const rows: Row[] = [
      { scenario: 'fanout-50', server: 'tandem', runs: 3, cpu_us_per_delivery: 12, p99_ms: 3 },
      { scenario: 'fanout-50', server: 'raw-ws', runs: 3, cpu_us_per_delivery: 10 },
      { scenario: 'fanout-50', server: 'hocuspocus', runs: 3, cpu_us_per_delivery: 16 },
    ];
    const v = verdicts(rows);
    expect(v.find((x) => x.target.includes('raw ws'))).toMatchObject({ met: true, value: '1.20×' });
    expect(v.find((x) => x.target.includes('Hocuspocus'))).toMatchObject({ met: false, value: '0.75×' });
  });

  it("shows the ingest acknowledgement latency beside the disk's bare commit", () => {
    const rows: Row[] = [{ scenario: 'ingest-b4', server: 'tandem', runs: 3, ack_p99_ms: 12.5 }];
    const disk = { commit_p50_ms: 0.3, commit_p99_ms: 3, window_commit_p50_ms: 0.6, window_commit_p99_ms: 6.6 };
    expect(verdictLines(rows, disk)).toContain("acknowledgement p99 < 5 ms: **missed** (12.5 ms; this disk's bare 256-row commit: p50 0.6 ms, p99 6.6 ms)");
    expect(verdictLines(rows)).toContain('acknowledgement p99 < 5 ms: **missed** (12.5 ms)');
  });
});
