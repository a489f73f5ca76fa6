import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openStorage, type Storage } from '../../lib/storage';
import { CompactionWorker } from './worker-client';

let dir: string;
let file: string;
let s: Storage;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-worker-'));
  file = path.join(dir, 'w.db');
  s = await openStorage({ sqliteFile: file });
});
afterAll(() => s.close());

/** A document whose log holds `n` one-character inserts; returns its id and text. */
async function typedDoc(n: number) {
  const u = (await s.users.create({ email: `${Math.random()}@x.test`, name: 'w', passwordHash: 'h', now: 1 }))!;
  const d = await s.documents.create({ title: 'w', ownerId: u.id, now: 1 });
  const doc = new Y.Doc();
  const rows: { documentId: string; data: Uint8Array }[] = [];
  doc.on('update', (data: Uint8Array) => rows.push({ documentId: d.id, data }));
  for (let i = 0; i < n; i++) doc.getText('t').insert(i % 7 === 0 ? 0 : i, String.fromCharCode(65 + (i % 26)));
  await s.updates.append(rows, 1);
  return { id: d.id, text: doc.getText('t').toString() };
}

async function storedText(documentId: string) {
  const d = new Y.Doc();
  for (const u of await s.updates.load(documentId)) Y.applyUpdate(d, u);
  return d.getText('t').toString();
}

describe('CompactionWorker', () => {
  it('compacts in a worker thread over its own connection', async () => {
    const w = new CompactionWorker({ target: { kind: 'sqlite', file } });
    const a = await typedDoc(500);
    const b = await typedDoc(20);
    // Jobs sent back to back are answered in order, each with its own outcome.
    const [ra, rb] = await Promise.all([w.run(a.id), w.run(b.id)]);
    expect(ra).toMatchObject({ kind: 'compacted', rowsFolded: 500, rowsDeleted: 500 });
    expect(rb).toMatchObject({ kind: 'compacted', rowsFolded: 20, rowsDeleted: 20 });
    expect(await storedText(a.id)).toBe(a.text);
    expect(await storedText(b.id)).toBe(b.text);
    expect(await s.snapshots.uptoId(a.id)).toBe(ra.kind === 'compacted' ? ra.uptoId : -1);
    await w.close();
    await expect(w.run(a.id)).rejects.toThrow(/closed/);
  });

  it('reports a failed job and keeps serving', async () => {
    // A database without the schema: every query in the worker fails.
    const w = new CompactionWorker({ target: { kind: 'sqlite', file: path.join(dir, 'empty.db') } });
    await expect(w.run('some-document')).rejects.toThrow(/no such table/);
    await expect(w.run('some-document')).rejects.toThrow(/no such table/);
    await w.close();
  });

  it('stops mid-job on close, leaving the document intact for the next compaction', async () => {
    const d = await typedDoc(3000);
    // Tiny delete chunks with pauses keep the job running long enough to be interrupted.
    const w = new CompactionWorker({ target: { kind: 'sqlite', file }, options: { deleteChunkRows: 10, deletePauseMs: 5 } });
    const job = w.run(d.id);
    const settled = job.then(
      () => 'finished',
      (e: Error) => e.message,
    );
    // Close once the snapshot is saved and the deletes have begun.
    while ((await s.updates.page(d.id, 0, 3000)).length === 3000) await new Promise((r) => setTimeout(r, 2));
    await w.close();
    expect(await settled).toMatch(/closed/);
    const left = (await s.updates.page(d.id, 0, 10_000)).length;
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(3000);
    expect(await storedText(d.id)).toBe(d.text);
    const again = new CompactionWorker({ target: { kind: 'sqlite', file } });
    expect(await again.run(d.id)).toEqual({ kind: 'nothing-to-do', rowsDeleted: left });
    expect(await storedText(d.id)).toBe(d.text);
    await again.close();
  });
});
