import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { interleave, median, medianRow, percentile, ratio, round3 } from './stats';
import { decodeIncoming, encodeHocusAuth, encodeSync, SYNC_UPDATE, updateKey } from './wire';
import { markdownTable, pairwise } from './report';
import { verdicts } from './targets';

describe('bench statistics', () => {
  it('takes nearest-rank percentiles and medians', () => {
    const v = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(v, 0.5)).toBe(5);
    expect(percentile(v, 0.99)).toBe(10);
    expect(percentile(v, 0)).toBe(1);
    expect(percentile([], 0.5)).toBeNaN();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([NaN, 7])).toBe(7);
  });

  it('folds runs into a row of medians and computes ratios', () => {
    const row = medianRow('fanout-50', 'tandem', [{ p99_ms: 3, errors: 0 }, { p99_ms: 9, errors: 1 }, { p99_ms: 5, errors: 0 }]);
    expect(row).toEqual({ scenario: 'fanout-50', server: 'tandem', runs: 3, p99_ms: 5, errors: 0 });
    expect(ratio(2, 4)).toBe(0.5);
    expect(ratio(1, 0)).toBeUndefined();
    expect(round3(123456.7)).toBe(123457);
    expect(round3(0.0123456)).toBe(0.0123);
  });

  it('rotates the server order each round so no server always runs first', () => {
    expect(interleave(['a', 'b', 'c'], 3)).toEqual([
      ['a', 'b', 'c'],
      ['b', 'c', 'a'],
      ['c', 'a', 'b'],
    ]);
  });

  it('reports Tandem over each peer on the headline metric', () => {
    const rows = [
      { scenario: 'ingest-b4', server: 'tandem', updates_per_s: 30 },
      { scenario: 'ingest-b4', server: 'raw-ws', updates_per_s: 60 },
    ];
    expect(pairwise(rows)).toEqual([{ scenario: 'ingest-b4', metric: 'updates_per_s', peer: 'raw-ws', tandem_over_peer: 0.5 }]);
    expect(markdownTable(rows)).toContain('| ingest-b4 | raw-ws | 60 |');
  });
});

describe('bench wire codec', () => {
  it('frames sync updates in both dialects and identifies an update by its first clock', () => {
    const doc = new Y.Doc();
    doc.clientID = 4242;
    let update: Uint8Array = new Uint8Array();
    doc.on('update', (u: Uint8Array) => (update = u));
    doc.getText('text').insert(0, 'ab');
    doc.getText('text').insert(2, 'c');
    expect(updateKey(update)).toBe('4242:2');
    const y = decodeIncoming('y', encodeSync('y', 'doc', SYNC_UPDATE, update));
    expect(y).toEqual({ kind: 'update', update });
    const h = decodeIncoming('hocus', encodeSync('hocus', 'doc', SYNC_UPDATE, update));
    expect(h).toEqual({ kind: 'update', update });
    expect(decodeIncoming('hocus', encodeHocusAuth('doc', 't'))).toEqual({ kind: 'other', type: 2 });
    expect(() => decodeIncoming('y', new Uint8Array([0, 9, 0]))).toThrow();
  });
});

describe('bench targets', () => {
  it('marks each target met, missed or not measured from the rows', () => {
    const v = verdicts([
      { scenario: 'fanout-50', server: 'tandem', cpu_us_per_delivery: 12, p99_ms: 20 },
      { scenario: 'fanout-50', server: 'raw-ws', cpu_us_per_delivery: 10 },
      { scenario: 'fanout-50', server: 'hocuspocus', cpu_us_per_delivery: 24 },
    ]);
    expect(v.find((x) => x.target.includes('raw ws'))).toMatchObject({ met: true, value: '1.20×' });
    expect(v.find((x) => x.target.includes('Hocuspocus'))).toMatchObject({ met: true, value: '0.50×' });
    expect(v.find((x) => x.target.includes('p99 < 10'))).toMatchObject({ met: false });
    expect(v.find((x) => x.target.includes('idle-10k'))).toMatchObject({ met: undefined, value: 'not measured' });
  });
});
