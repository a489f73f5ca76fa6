import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStorage } from '.';
import { precompiled } from './precompiled';

const sqlite = await openStorage({ sqliteFile: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-pre-')), 't.db') });
afterAll(() => sqlite.close());

describe('precompiled', () => {
  const db = sqlite.connection.db;

  it('fills each argument into every parameter it stood for, and keeps constants', () => {
    const q = precompiled(db, 2, (a: string, b: string) => db.selectFrom('users').select('id').where('email', '=', a).where('name', '=', b).where('id', '!=', a).where('id', '!=', 'constant'));
    const c = q('x@example.test', 'X');
    expect(c.parameters).toEqual(['x@example.test', 'X', 'x@example.test', 'constant']);
    // Calls do not share parameter arrays.
    expect(q('y', 'Y').parameters).toEqual(['y', 'Y', 'y', 'constant']);
    expect(c.parameters[0]).toBe('x@example.test');
  });

  it('refuses a query that leaves an argument out', () => {
    expect(() => precompiled(db, 2, (a: string, _b: string) => db.selectFrom('users').select('id').where('email', '=', a))).toThrow(/argument 1 does not appear/);
  });

  it('runs with the new arguments on SQLite', async () => {
    const u = (await sqlite.users.create({ email: 'p@example.test', name: 'P', passwordHash: 'h', now: 1 }))!;
    const q = precompiled(db, 1, (email: string) => db.selectFrom('users').select(['id', 'name']).where('email', '=', email));
    expect((await db.executeQuery(q('p@example.test'))).rows).toEqual([{ id: u.id, name: 'P' }]);
    expect((await db.executeQuery(q('nobody@example.test'))).rows).toEqual([]);
  });

  it('takes numbers too (bounds and limits), each call with its own', async () => {
    const d = (await sqlite.documents.create({ title: 'n', ownerId: (await sqlite.users.create({ email: 'n@example.test', name: 'N', passwordHash: 'h', now: 1 }))!.id, now: 1 })).id;
    await sqlite.updates.append([1, 2, 3, 4, 5].map((b) => ({ documentId: d, data: new Uint8Array([b]) })), 1);
    const q = precompiled(db, 3, (id: string, after: number, limit: number) =>
      db.selectFrom('updates').select('data').where('document_id', '=', id).where('id', '>', after).orderBy('id').limit(limit),
    );
    const ids = (await db.selectFrom('updates').select('id').where('document_id', '=', d).orderBy('id').execute()).map((r) => Number(r.id));
    const bytes = async (after: number, limit: number) => (await db.executeQuery<{ data: Uint8Array }>(q(d, after, limit))).rows.map((r) => r.data[0]);
    expect(await bytes(ids[0], 2)).toEqual([2, 3]);
    expect(await bytes(ids[2], 10)).toEqual([4, 5]);
    expect(q(d, 7, 9).parameters).toEqual([d, 7, 9]);
  });
});
