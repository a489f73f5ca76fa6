import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openStorage, type Storage } from '../lib/storage';
import { compactDocument } from './compaction/compact';
import { RoomRegistry, type TailListener } from './rooms';
import { UpdateWriter } from './writer';

let file: string;
let s: Storage;
beforeAll(async () => {
  file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-rooms-')), 'r.db');
  s = await openStorage({ sqliteFile: file });
});
afterAll(() => s.close());

/** A document whose log holds `n` edits, one row each; returns its id and final text. */
async function loggedDoc(n: number) {
  const u = (await s.users.create({ email: `${Math.random()}@x.test`, name: 'r', passwordHash: 'h', now: 1 }))!;
  const d = await s.documents.create({ title: 'r', ownerId: u.id, now: 1 });
  const doc = new Y.Doc();
  const text = doc.getText('t');
  const rows: { documentId: string; data: Uint8Array }[] = [];
  doc.on('update', (data: Uint8Array) => rows.push({ documentId: d.id, data }));
  for (let i = 0; i < n; i++) {
    if (i % 5 === 4) text.delete((i * 13) % text.length, 1);
    else text.insert(text.length === 0 ? 0 : (i * 7) % text.length, String.fromCharCode(97 + (i % 26)));
  }
  for (let i = 0; i < rows.length; i += 5000) await s.updates.append(rows.slice(i, i + 5000), 1);
  return { id: d.id, text: text.toString(), bytes: rows.reduce((b, r) => b + r.data.length, 0) };
}

function registry() {
  const events: string[] = [];
  const tails: TailListener = {
    noteLoaded: (id, t) => events.push(`loaded ${id} ${t.count} ${t.bytes}`),
    noteUnloaded: (id, compact = true) => events.push(`unloaded ${id} ${compact}`),
  };
  return { rooms: new RoomRegistry(s, new UpdateWriter(s), pino({ level: 'silent' }), { unloadDelayMs: 0, tails }), events };
}

describe('RoomRegistry loading', () => {
  it('loads once for concurrent joiners, from the snapshot and the rows after it', async () => {
    const d = await loggedDoc(3000);
    expect(await compactDocument(s, d.id)).toMatchObject({ kind: 'compacted', rowsFolded: 3000 });
    const more = new Y.Doc();
    for (const u of await s.updates.load(d.id)) Y.applyUpdate(more, u);
    const tail: { documentId: string; data: Uint8Array }[] = [];
    more.on('update', (data: Uint8Array) => tail.push({ documentId: d.id, data }));
    for (let i = 0; i < 700; i++) more.getText('t').insert(i % 50, 'z');
    await s.updates.append(tail, 2);

    const { rooms, events } = registry();
    const [a, b, c] = await Promise.all([rooms.acquire(d.id), rooms.acquire(d.id), rooms.acquire(d.id)]);
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(a.doc.getText('t').toString()).toBe(more.getText('t').toString());
    const bytes = tail.reduce((n, r) => n + r.data.length, 0);
    expect(events).toEqual([`loaded ${d.id} 700 ${bytes}`]);
    // Loading persisted nothing: the log still holds exactly the 700 rows after the snapshot.
    await new Promise((r) => setTimeout(r, 20));
    expect((await s.updates.loadState(d.id)).tailCount).toBe(700);

    rooms.releaseIfEmpty(a);
    expect(events).toHaveLength(1);
    await rooms.unloaded(d.id);
    expect(events.at(-1)).toBe(`unloaded ${d.id} true`);
    expect(rooms.openRoom(d.id)).toBeUndefined();
    expect(await rooms.acquire(d.id)).not.toBe(a);
    expect(events).toEqual([`loaded ${d.id} 700 ${bytes}`, `unloaded ${d.id} true`, `loaded ${d.id} 700 ${bytes}`]);
  });

  it('builds the whole document when a compaction commits and deletes rows mid-load', async () => {
    const d = await loggedDoc(20_000);
    const other = await openStorage({ sqliteFile: file, migrate: false });
    const { rooms, events } = registry();
    let compaction: ReturnType<typeof compactDocument> | undefined;
    let loaded = false;
    let savedMidLoad = false;
    const page = s.updates.page.bind(s.updates);
    s.updates.page = async (...args) => {
      // Once the load has read its first page, another connection compacts everything.
      compaction ??= compactDocument(other, d.id, { deleteChunkRows: 5000, deletePauseMs: 1 });
      return page(...args);
    };
    const save = other.snapshots.save.bind(other.snapshots);
    other.snapshots.save = async (input) => {
      savedMidLoad = !loaded;
      return save(input);
    };
    const room = await rooms.acquire(d.id);
    loaded = true;
    s.updates.page = page;
    expect(await compaction).toMatchObject({ kind: 'compacted', rowsFolded: 20_000 });
    expect(savedMidLoad).toBe(true);
    expect(room.doc.getText('t').toString()).toBe(d.text);
    // The snapshot arrived last, so the count of rows to compact started again.
    expect(events[0]).toMatch(new RegExp(`^loaded ${d.id} `));
    expect(Number(events[0].split(' ')[2])).toBeLessThan(20_000);
    await other.close();
  });
});
