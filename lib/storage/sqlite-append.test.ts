import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isForeignKeyViolation, openStorage, type Storage } from '.';
import { openRawSqlite } from './db';
import { SqliteLogAppender } from './sqlite-append';

const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-append-')), 'test.db');
let storage: Storage;
let raw: ReturnType<typeof openRawSqlite>;
let appender: SqliteLogAppender;

beforeAll(async () => {
  storage = await openStorage({ sqliteFile: file });
  raw = openRawSqlite(file);
  appender = new SqliteLogAppender(raw);
});
afterAll(async () => {
  raw.close();
  await storage.close();
});

async function newDocument(now: number) {
  const u = (await storage.users.create({ email: `a${Math.random()}@example.test`, name: 'A', passwordHash: 'h', now }))!;
  return storage.documents.create({ title: 'd', ownerId: u.id, now });
}

describe('SqliteLogAppender', () => {
  it('appends rows in order for several documents and moves their updated_at, seen by another connection', async () => {
    const [a, b] = [await newDocument(1000), await newDocument(1000)];
    const bytes = (n: number) => new Uint8Array([n, n + 1, n + 2]);
    appender.append([{ documentId: a.id, data: bytes(1) }, { documentId: b.id, data: bytes(2) }, { documentId: a.id, data: bytes(3) }], 5000);
    appender.append([{ documentId: a.id, data: bytes(4) }], 6000);
    expect((await storage.updates.page(a.id, 0, 10)).map((r) => [...r.data])).toEqual([[1, 2, 3], [3, 4, 5], [4, 5, 6]]);
    expect((await storage.updates.page(b.id, 0, 10)).map((r) => [...r.data])).toEqual([[2, 3, 4]]);
    expect((await storage.documents.find(a.id))?.updatedAt).toBe(6000);
    expect((await storage.documents.find(b.id))?.updatedAt).toBe(5000);
  });

  it('commits nothing of a batch that names a deleted document, and says why', async () => {
    const a = await newDocument(1000);
    let error: unknown;
    try {
      appender.append([{ documentId: a.id, data: new Uint8Array([7]) }, { documentId: 'no-such-document', data: new Uint8Array([8]) }], 2000);
    } catch (e) {
      error = e;
    }
    expect(isForeignKeyViolation(error)).toBe(true);
    expect(await storage.updates.page(a.id, 0, 10)).toEqual([]);
    // The connection is usable afterwards (the transaction was rolled back).
    appender.append([{ documentId: a.id, data: new Uint8Array([9]) }], 3000);
    expect((await storage.updates.page(a.id, 0, 10)).map((r) => [...r.data])).toEqual([[9]]);
  });
});
