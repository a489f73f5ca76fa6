import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isForeignKeyViolation, openStorage, type Storage } from '../lib/storage';
import { UpdateWriter } from './writer';

let s: Storage;
beforeAll(async () => {
  s = await openStorage({ sqliteFile: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-writer-')), 'w.db') });
});
afterAll(() => s.close());

async function doc() {
  const u = (await s.users.create({ email: `${Math.random()}@x.test`, name: 'w', passwordHash: 'h', now: 1 }))!;
  return s.documents.create({ title: 'w', ownerId: u.id, now: 1 });
}

describe('UpdateWriter', () => {
  it('group-commits concurrent writes and resolves them in order', async () => {
    const d = await doc();
    let commits = 0;
    const append = s.updates.append.bind(s.updates);
    s.updates.append = async (entries, now) => {
      commits++;
      return append(entries, now);
    };
    const w = new UpdateWriter(s);
    const order: number[] = [];
    await Promise.all(Array.from({ length: 500 }, (_, i) => w.write(d.id, new Uint8Array([i % 256])).then(() => order.push(i))));
    s.updates.append = append;
    expect(order).toEqual(Array.from({ length: 500 }, (_, i) => i));
    expect(commits).toBeLessThan(10);
    expect(await s.updates.load(d.id)).toHaveLength(500);
  });

  it('fails only the writes of a deleted document when it shares a batch', async () => {
    const good = await doc();
    const gone = await doc();
    await s.documents.delete(gone.id);
    const w = new UpdateWriter(s);
    const results = await Promise.allSettled([
      w.write(good.id, new Uint8Array([1])),
      w.write(gone.id, new Uint8Array([2])),
      w.write(good.id, new Uint8Array([3])),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(isForeignKeyViolation((results[1] as PromiseRejectedResult).reason)).toBe(true);
    expect((await s.updates.load(good.id)).map((u) => u[0])).toEqual([1, 3]);
    await w.drain();
  });

  it('tells the listener about committed writes only, after they resolve', async () => {
    const good = await doc();
    const gone = await doc();
    await s.documents.delete(gone.id);
    const seen: [string, number][] = [];
    const resolved: number[] = [];
    const w = new UpdateWriter(s, { onCommitted: (entries) => entries.forEach((e) => seen.push([e.documentId, e.data[0]])) });
    await Promise.allSettled([
      w.write(good.id, new Uint8Array([1])).then(() => resolved.push(1)),
      w.write(gone.id, new Uint8Array([2])),
      w.write(good.id, new Uint8Array([3])).then(() => resolved.push(3)),
    ]);
    expect(seen).toEqual([[good.id, 1], [good.id, 3]]);
    expect(resolved).toEqual([1, 3]);
  });

  it('keeps writes acknowledged when the listener throws', async () => {
    const d = await doc();
    let calls = 0;
    const w = new UpdateWriter(s, {
      onCommitted: () => {
        calls++;
        throw new Error('listener bug');
      },
    });
    await expect(Promise.all([w.write(d.id, new Uint8Array([1])), w.write(d.id, new Uint8Array([2]))])).resolves.toBeDefined();
    await w.write(d.id, new Uint8Array([3]));
    expect(calls).toBe(2);
    // Each update is stored exactly once: a throwing listener did not cause a retry.
    expect((await s.updates.load(d.id)).map((u) => u[0])).toEqual([1, 2, 3]);
  });

  it('runs beforeResolve after each commit and before its writes resolve; its failure fails nothing', async () => {
    const d = await doc();
    const events: string[] = [];
    let fail = false;
    const w = new UpdateWriter(s, {
      beforeResolve: async () => {
        // What it runs sees the batch stored already.
        events.push(`before (${(await s.updates.load(d.id)).length} stored)`);
        if (fail) throw new Error('marks could not be written');
      },
    });
    await w.write(d.id, new Uint8Array([1])).then(() => events.push('resolved 1'));
    fail = true;
    await w.write(d.id, new Uint8Array([2])).then(() => events.push('resolved 2'));
    expect(events).toEqual(['before (1 stored)', 'resolved 1', 'before (2 stored)', 'resolved 2']);
  });
});
