import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openStorage, type Storage } from '../../lib/storage';
import { compactDocument } from './compact';

let file: string;
let s: Storage;
beforeAll(async () => {
  file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-compact-')), 'c.db');
  s = await openStorage({ sqliteFile: file });
});
afterAll(() => s.close());

async function newDoc() {
  const u = (await s.users.create({ email: `${Math.random()}@x.test`, name: 'c', passwordHash: 'h', now: 1 }))!;
  return s.documents.create({ title: 'c', ownerId: u.id, now: 1 });
}

/** A writer that appends one update per edit to the document's log, like the server does. */
function editor(documentId: string, storage = s) {
  const doc = new Y.Doc();
  const text = doc.getText('t');
  let pending: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => pending.push(u));
  return {
    doc,
    text: () => text.toString(),
    async type(n: number) {
      for (let i = 0; i < n; i++) {
        const len = text.length;
        if (len > 5 && i % 4 === 3) text.delete(i % len, 1);
        else text.insert(len === 0 ? 0 : (i * 7) % len, String.fromCharCode(97 + (i % 26)));
      }
      const batch = pending.map((data) => ({ documentId, data }));
      pending = [];
      await storage.updates.append(batch, Date.now());
    },
  };
}

async function storedText(documentId: string, storage = s): Promise<string> {
  const d = new Y.Doc();
  for (const u of await storage.updates.load(documentId)) Y.applyUpdate(d, u);
  return d.getText('t').toString();
}

describe('compactDocument', () => {
  it('folds the log into a snapshot, deletes the folded rows, and builds on its own snapshot', async () => {
    const d = await newDoc();
    const e = editor(d.id);
    await e.type(300);
    const last = await s.updates.lastId(d.id);
    const first = await compactDocument(s, d.id, { deleteChunkRows: 64, deletePauseMs: 1 });
    expect(first).toMatchObject({ kind: 'compacted', rowsFolded: 300, rowsDeleted: 300, uptoId: last, unsegmented: false });
    expect(await s.updates.loadState(d.id)).toMatchObject({ tailCount: 0 });
    expect(await s.updates.page(d.id, 0, 10)).toEqual([]);
    expect(await storedText(d.id)).toBe(e.text());

    await e.type(50);
    const second = await compactDocument(s, d.id);
    expect(second).toMatchObject({ kind: 'compacted', rowsFolded: 50, rowsDeleted: 50 });
    expect(await storedText(d.id)).toBe(e.text());
    expect(await compactDocument(s, d.id)).toEqual({ kind: 'nothing-to-do', rowsDeleted: 0 });
  });

  it('stores the snapshot in bounded segments, and keeps their boundaries when compacting again', async () => {
    const d = await newDoc();
    const e = editor(d.id);
    await e.type(3000);
    const first = await compactDocument(s, d.id, { segmentStructs: 200 });
    expect(first).toMatchObject({ kind: 'compacted', unsegmented: false });
    const snapshot = (await s.snapshots.get(d.id))!;
    expect(snapshot.updates.length).toBeGreaterThan(3);
    for (const u of snapshot.updates) expect(Y.decodeUpdate(u).structs.length).toBeLessThanOrEqual(200);
    await e.type(20);
    const second = await compactDocument(s, d.id, { segmentStructs: 200 });
    expect(second).toMatchObject({ kind: 'compacted', rowsFolded: 20, unsegmented: false });
    expect((await s.snapshots.get(d.id))!.updates.length).toBeGreaterThanOrEqual(snapshot.updates.length);
    expect(await storedText(d.id)).toBe(e.text());
  });

  it('loses nothing appended by another connection while it runs', async () => {
    const d = await newDoc();
    const other = await openStorage({ sqliteFile: file, migrate: false });
    const e = editor(d.id, other);
    await e.type(2000);
    let writing = true;
    let batches = 0;
    const writer = (async () => {
      while (writing) {
        await e.type(5);
        batches++;
        await new Promise((r) => setTimeout(r, 1));
      }
    })();
    let compacted = 0;
    while (compacted < 5) {
      const o = await compactDocument(s, d.id, { deleteChunkRows: 100, deletePauseMs: 1, pageRows: 300 });
      if (o.kind === 'compacted') compacted++;
      else expect(o.kind).toBe('nothing-to-do');
      await new Promise((r) => setTimeout(r, 2));
    }
    writing = false;
    await writer;
    expect(batches).toBeGreaterThan(5);
    expect(await storedText(d.id)).toBe(e.text());
    expect(await storedText(d.id, other)).toBe(e.text());
    await other.close();
  });

  it('writes nothing when another compaction saved a snapshot first', async () => {
    const d = await newDoc();
    const e = editor(d.id);
    await e.type(100);
    const rival = await openStorage({ sqliteFile: file, migrate: false });
    // The rival compacts between our reading the snapshot and our saving one.
    const lastId = s.updates.lastId.bind(s.updates);
    s.updates.lastId = async (id) => {
      s.updates.lastId = lastId;
      const n = await lastId(id);
      expect(await compactDocument(rival, d.id)).toMatchObject({ kind: 'compacted', rowsFolded: 100 });
      await e.type(10);
      return n;
    };
    expect(await compactDocument(s, d.id)).toEqual({ kind: 'conflict' });
    expect((await s.updates.loadState(d.id)).tailCount).toBe(10);
    expect(await storedText(d.id)).toBe(e.text());
    await rival.close();
  });

  it('leaves a readable document when stopped between the snapshot and the deletes', async () => {
    const d = await newDoc();
    const e = editor(d.id);
    await e.type(120);
    const deleteUpTo = s.updates.deleteUpTo.bind(s.updates);
    let calls = 0;
    s.updates.deleteUpTo = async (...args) => {
      if (++calls === 2) throw new Error('simulated crash');
      return deleteUpTo(...args);
    };
    await expect(compactDocument(s, d.id, { deleteChunkRows: 50, deletePauseMs: 1 })).rejects.toThrow('simulated crash');
    s.updates.deleteUpTo = deleteUpTo;
    // 50 folded rows are gone, 70 are left; covered by the snapshot, they are ignored at load.
    expect((await s.updates.page(d.id, 0, 1000)).length).toBe(70);
    expect(await s.updates.loadState(d.id)).toMatchObject({ tailCount: 0 });
    expect(await storedText(d.id)).toBe(e.text());
    // The next compaction finds nothing new and removes the leftovers.
    expect(await compactDocument(s, d.id)).toEqual({ kind: 'nothing-to-do', rowsDeleted: 70 });
    expect(await storedText(d.id)).toBe(e.text());
  });

  it('keeps updates still waiting for missing dependencies', async () => {
    const d = await newDoc();
    const src = new Y.Doc();
    const updates: Uint8Array[] = [];
    src.on('update', (u: Uint8Array) => updates.push(u));
    src.getText('t').insert(0, 'hello');
    src.getText('t').insert(5, ' world');
    // Only the second update is stored: it depends on the first, so it stays pending.
    await s.updates.append([{ documentId: d.id, data: updates[1] }], 1);
    expect(await compactDocument(s, d.id)).toMatchObject({ kind: 'compacted', rowsFolded: 1 });
    const restored = new Y.Doc();
    for (const u of await s.updates.load(d.id)) Y.applyUpdate(restored, u);
    expect(restored.getText('t').toString()).toBe('');
    Y.applyUpdate(restored, updates[0]);
    expect(restored.getText('t').toString()).toBe('hello world');
  });

  it('reports a document deleted while it ran', async () => {
    const d = await newDoc();
    await editor(d.id).type(10);
    const page = s.updates.page.bind(s.updates);
    s.updates.page = async (...args) => {
      s.updates.page = page;
      const rows = await page(...args);
      await s.documents.delete(d.id);
      return rows;
    };
    expect(await compactDocument(s, d.id)).toEqual({ kind: 'gone' });
  });
});
