import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openStorage, type Storage } from '../../lib/storage';
import { UpdateWriter } from '../writer';
import { CompactionScheduler } from './scheduler';
import { CompactionWorker } from './worker-client';

let dir: string;
let file: string;
let s: Storage;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-scheduler-'));
  file = path.join(dir, 's.db');
  s = await openStorage({ sqliteFile: file });
});
afterAll(() => s.close());

/** A pino logger whose records land in `lines`. */
function capture() {
  const lines: { level: number; msg: string; doc?: string }[] = [];
  const log = pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l)) });
  return { log, lines };
}

/** A real scheduler, worker and writer, wired as in the server. */
function setup(thresholds: { afterUpdates: number; afterBytes: number }, sqliteFile = file) {
  const { log, lines } = capture();
  const scheduler = new CompactionScheduler({ ...thresholds, compactor: new CompactionWorker({ target: { kind: 'sqlite', file: sqliteFile } }), log });
  const writer = new UpdateWriter(s, { onCommitted: (e) => scheduler.noteAppended(e) });
  return { scheduler, writer, lines };
}

async function newDoc() {
  const u = (await s.users.create({ email: `${Math.random()}@x.test`, name: 's', passwordHash: 'h', now: 1 }))!;
  const d = await s.documents.create({ title: 's', ownerId: u.id, now: 1 });
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  return {
    id: d.id,
    text: () => doc.getText('t').toString(),
    /** Makes `n` edits of `size` characters and returns their updates, one per edit. */
    edit(n: number, size = 1) {
      updates.length = 0;
      for (let i = 0; i < n; i++) doc.getText('t').insert(0, 'x'.repeat(size));
      return [...updates];
    },
  };
}

async function storedText(documentId: string) {
  const d = new Y.Doc();
  for (const u of await s.updates.load(documentId)) Y.applyUpdate(d, u);
  return d.getText('t').toString();
}

describe('CompactionScheduler', () => {
  it('compacts a document once its tail reaches the update threshold', async () => {
    const { scheduler, writer, lines } = setup({ afterUpdates: 50, afterBytes: 1 << 30 });
    const d = await newDoc();
    await Promise.all(d.edit(49).map((u) => writer.write(d.id, u)));
    await scheduler.idle();
    expect(scheduler.stats).toMatchObject({ compactions: 0, queued: 0, running: 0 });
    await writer.write(d.id, d.edit(1)[0]);
    expect(scheduler.stats.queued + scheduler.stats.running).toBe(1);
    await scheduler.idle();
    expect(scheduler.stats).toMatchObject({ compactions: 1, failures: 0, rowsFolded: 50, queued: 0, running: 0 });
    expect(scheduler.stats.lastSnapshotBytes).toBeGreaterThan(0);
    expect((await s.updates.loadState(d.id)).tailCount).toBe(0);
    expect(await storedText(d.id)).toBe(d.text());
    expect(lines.some((l) => l.msg === 'compacted document' && l.doc === d.id)).toBe(true);
    // The counter restarted: another 49 updates do not trigger a compaction.
    await Promise.all(d.edit(49).map((u) => writer.write(d.id, u)));
    await scheduler.idle();
    expect(scheduler.stats.compactions).toBe(1);
    await scheduler.close();
  });

  it('counts the client updates a row merges, not rows', async () => {
    const { scheduler, writer } = setup({ afterUpdates: 50, afterBytes: 1 << 30 });
    const d = await newDoc();
    // Two rows standing for 49 updates (runs applied in one transaction each): no compaction yet.
    await writer.write(d.id, Y.mergeUpdates(d.edit(30)), 30);
    await writer.write(d.id, Y.mergeUpdates(d.edit(19)), 19);
    await scheduler.idle();
    expect(scheduler.stats.compactions).toBe(0);
    await writer.write(d.id, d.edit(1)[0]);
    await scheduler.idle();
    expect(scheduler.stats).toMatchObject({ compactions: 1, rowsFolded: 3 });
    expect(await storedText(d.id)).toBe(d.text());
    // The count drops by the 50 updates folded, not by the 3 rows: 49 more do not compact again.
    await writer.write(d.id, Y.mergeUpdates(d.edit(49)), 49);
    await scheduler.idle();
    expect(scheduler.stats.compactions).toBe(1);
    await scheduler.close();
  });

  it('waits for a tail of a quarter of the snapshot\'s size before rewriting a big snapshot', async () => {
    const { scheduler, writer } = setup({ afterUpdates: 10, afterBytes: 1 << 30 });
    const d = await newDoc();
    await writer.write(d.id, d.edit(1, 20_000)[0]);
    await Promise.all(d.edit(9).map((u) => writer.write(d.id, u)));
    await scheduler.idle();
    expect(scheduler.stats.compactions).toBe(1);
    const snapshot = scheduler.stats.lastSnapshotBytes;
    expect(snapshot).toBeGreaterThan(20_000);
    // Ten one-character updates reach the count, but are far from a quarter of the snapshot's bytes.
    const small = d.edit(10);
    await Promise.all(small.map((u) => writer.write(d.id, u)));
    await scheduler.idle();
    expect(scheduler.stats.compactions).toBe(1);
    // Enough of them to pass a quarter of the snapshot: compacted, and nothing lost.
    const each = small.reduce((n, u) => n + u.length, 0) / small.length;
    await Promise.all(d.edit(Math.ceil(snapshot / 4 / each) + 1).map((u) => writer.write(d.id, u)));
    await scheduler.idle();
    expect(scheduler.stats.compactions).toBe(2);
    expect(await storedText(d.id)).toBe(d.text());
    await scheduler.close();
  });

  it('compacts a document once its tail reaches the byte threshold', async () => {
    const { scheduler, writer } = setup({ afterUpdates: 1_000_000, afterBytes: 8192 });
    const d = await newDoc();
    for (const u of d.edit(7, 1000)) await writer.write(d.id, u);
    await scheduler.idle();
    expect(scheduler.stats.compactions).toBe(0);
    await writer.write(d.id, d.edit(1, 1200)[0]);
    await scheduler.idle();
    expect(scheduler.stats).toMatchObject({ compactions: 1, rowsFolded: 8 });
    expect(await storedText(d.id)).toBe(d.text());
    await scheduler.close();
  });

  it('runs one compaction at a time and at most one per document', async () => {
    const { scheduler, writer } = setup({ afterUpdates: 1_000_000, afterBytes: 1 << 30 });
    const docs = [await newDoc(), await newDoc(), await newDoc()];
    for (const d of docs) await Promise.all(d.edit(300).map((u) => writer.write(d.id, u)));
    let maxRunning = 0;
    const probe = setInterval(() => (maxRunning = Math.max(maxRunning, scheduler.stats.running)), 1);
    for (let i = 0; i < 5; i++) for (const d of docs) scheduler.request(d.id);
    // Three distinct documents queued, however often each was asked for.
    expect(scheduler.stats.queued + scheduler.stats.running).toBe(3);
    await scheduler.idle();
    clearInterval(probe);
    expect(maxRunning).toBe(1);
    expect(scheduler.stats).toMatchObject({ compactions: 3, rowsFolded: 900 });
    for (const d of docs) expect(await storedText(d.id)).toBe(d.text());
    await scheduler.close();
  });

  it('compacts on unload when the tail is at least a tenth of a threshold', async () => {
    const { scheduler, writer } = setup({ afterUpdates: 100, afterBytes: 1 << 30 });
    const small = await newDoc();
    const big = await newDoc();
    const kept = await newDoc();
    scheduler.noteLoaded(small.id, { count: 0, bytes: 0 });
    scheduler.noteLoaded(big.id, { count: 0, bytes: 0 });
    scheduler.noteLoaded(kept.id, { count: 0, bytes: 0 });
    await Promise.all(small.edit(9).map((u) => writer.write(small.id, u)));
    await Promise.all(big.edit(10).map((u) => writer.write(big.id, u)));
    await Promise.all(kept.edit(10).map((u) => writer.write(kept.id, u)));
    scheduler.noteUnloaded(small.id);
    scheduler.noteUnloaded(big.id);
    scheduler.noteUnloaded(kept.id, false);
    await scheduler.idle();
    expect(scheduler.stats).toMatchObject({ compactions: 1, rowsFolded: 10 });
    expect((await s.updates.loadState(big.id)).tailCount).toBe(0);
    expect((await s.updates.loadState(small.id)).tailCount).toBe(9);
    expect((await s.updates.loadState(kept.id)).tailCount).toBe(10);
    await scheduler.close();
  });

  it('logs and counts a failed compaction without throwing, and keeps going', async () => {
    // The worker's database has no schema, so every compaction fails inside the worker.
    const { scheduler, writer, lines } = setup({ afterUpdates: 5, afterBytes: 1 << 30 }, path.join(dir, 'empty.db'));
    const d = await newDoc();
    await Promise.all(d.edit(5).map((u) => writer.write(d.id, u)));
    await scheduler.idle();
    expect(scheduler.stats).toMatchObject({ compactions: 0, failures: 1 });
    const failure = lines.find((l) => l.msg.startsWith('compaction failed'));
    expect(failure).toMatchObject({ level: 50, doc: d.id });
    // Writes were unaffected, and the next threshold's worth of writes tries again.
    expect(await storedText(d.id)).toBe(d.text());
    await Promise.all(d.edit(5).map((u) => writer.write(d.id, u)));
    await scheduler.idle();
    expect(scheduler.stats.failures).toBe(2);
    await scheduler.close();
  });

  it('abandons a running compaction on close without counting a failure', async () => {
    const { scheduler, writer, lines } = setup({ afterUpdates: 1_000_000, afterBytes: 1 << 30 });
    const d = await newDoc();
    await Promise.all(d.edit(2000).map((u) => writer.write(d.id, u)));
    scheduler.request(d.id);
    expect(scheduler.stats.running).toBe(1);
    await scheduler.close();
    await scheduler.idle();
    expect(scheduler.stats).toMatchObject({ failures: 0, running: 0, queued: 0 });
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    scheduler.request(d.id);
    expect(scheduler.stats.queued + scheduler.stats.running).toBe(0);
    expect(await storedText(d.id)).toBe(d.text());
  });
});
