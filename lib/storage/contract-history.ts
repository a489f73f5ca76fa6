import { expect, it } from 'vitest';
import type { Storage } from '.';

/**
 * The history part of the storage contract (see `contract.ts`): ids that followers can trust
 * with several writers, and versions with their editors.
 */
export function historyContract(s: () => Storage, user: (p?: string) => Promise<{ id: string }>, now: number, openAnother?: (first: Storage) => Promise<Storage>) {
    it('makes ids visible in increasing order to followers while two connections write at once', async () => {
      // Followers (room loads, compaction, the access-event watcher) read "id > last seen": a row
      // or event committed with a lower id after a higher one was seen would be skipped for good.
      const other = openAnother ? await openAnother(s()) : s();
      try {
        const d = await s().documents.create({ title: 'Race', ownerId: (await user()).id, now });
        const startEvent = await s().events.lastId();
        let writing = true;
        const writers = [s(), other].map(async (w, k) => {
          for (let i = 0; i < 60; i++) {
            await w.updates.append([{ documentId: d.id, data: new Uint8Array([k, i]) }], now);
            await w.events.record({ kind: 'document', documentId: d.id }, now);
          }
        });
        const done = Promise.all(writers).finally(() => (writing = false));
        const seenRows: number[] = [];
        const seenEvents: number[] = [];
        let afterRow = 0;
        let afterEvent = startEvent;
        for (let more = true; more; ) {
          more = writing;
          for (const r of await s().updates.page(d.id, afterRow, 1000)) (seenRows.push(r.id), (afterRow = r.id));
          for (const e of await s().events.after(afterEvent)) (seenEvents.push(e.id), (afterEvent = e.id));
        }
        await done;
        // Every row and event was seen by following alone: none committed behind the follower.
        expect(seenRows).toEqual((await s().updates.page(d.id, 0, 1000)).map((r) => r.id));
        expect(seenRows).toHaveLength(120);
        expect(seenEvents).toEqual((await s().events.after(startEvent, 1000)).map((e) => e.id));
        expect(seenEvents).toHaveLength(120);
      } finally {
        if (other !== s()) await other.close();
      }
    });

    it('creates a document with its initial content in the same step', async () => {
      const a = await user('seed');
      const d = await s().documents.create({ title: 'Imported', ownerId: a.id, now, initial: new Uint8Array([7, 8, 9]) });
      expect((await s().updates.load(d.id)).map((u) => [...u])).toEqual([[7, 8, 9]]);
      expect((await s().documents.access(d.id, a.id))?.role).toBe('owner');
      const empty = await s().documents.create({ title: 'Empty', ownerId: a.id, now });
      expect(await s().updates.load(empty.id)).toEqual([]);
    });

    it('writes many edit marks at once, the latest per account, across statements', async () => {
      // More marks than one statement carries (500), one account twice, and a second document.
      const d = await s().documents.create({ title: 'Marked', ownerId: (await user('mo')).id, now });
      const other = await s().documents.create({ title: 'Marked too', ownerId: (await user('mt')).id, now });
      const editors = await Promise.all(Array.from({ length: 501 }, (_, i) => user(`m${i}`)));
      const first = editors[0].id;
      await s().versions.markEditedMany([
        ...editors.map((e, i) => ({ documentId: d.id, userId: e.id, at: now + 1 + (i % 5) })),
        { documentId: other.id, userId: first, at: now + 1 },
        { documentId: d.id, userId: first, at: now + 50 },
      ]);
      await s().versions.markEditedMany([]);
      const v = await s().versions.create({ documentId: d.id, kind: 'auto', name: null, data: new Uint8Array([1]), createdBy: null, now: now + 100 });
      expect(v.editors.map((e) => e.id).sort()).toEqual(editors.map((e) => e.id).sort());
      // Only marks after a document's previous version count: the account marked again at +150 is
      // listed, the rest (last marked before +100) are not.
      await s().versions.markEditedMany([{ documentId: d.id, userId: editors[7].id, at: now + 150 }]);
      const v2 = await s().versions.create({ documentId: d.id, kind: 'auto', name: null, data: new Uint8Array([2]), createdBy: null, now: now + 200 });
      expect(v2.editors.map((e) => e.id)).toEqual([editors[7].id]);
      const o = await s().versions.create({ documentId: other.id, kind: 'auto', name: null, data: new Uint8Array([3]), createdBy: null, now: now + 100 });
      expect(o.editors.map((e) => e.id)).toEqual([first]);
    });

    it('keeps versions newest first, with the accounts that edited since the previous one', async () => {
      const a = await user('va');
      const b = await user('vb');
      const d = await s().documents.create({ title: 'Versions', ownerId: a.id, now });
      expect(await s().versions.latestAt(d.id)).toBeUndefined();
      await s().versions.markEdited(d.id, a.id, now + 1);
      await s().versions.markEdited(d.id, b.id, now + 2);
      const v1 = await s().versions.create({ documentId: d.id, kind: 'auto', name: null, data: new Uint8Array([1, 2]), createdBy: null, now: now + 10 });
      expect(v1.editors.map((e) => e.name).sort()).toEqual(['va', 'vb']);
      await s().versions.markEdited(d.id, b.id, now + 20);
      const v2 = await s().versions.create({ documentId: d.id, kind: 'named', name: 'Draft', data: new Uint8Array([3]), createdBy: a.id, now: now + 30 });
      expect(v2).toMatchObject({ kind: 'named', name: 'Draft', createdBy: a.id, createdAt: now + 30, editors: [{ id: b.id, name: 'vb' }] });
      expect((await s().versions.list(d.id)).map((v) => v.id)).toEqual([v2.id, v1.id]);
      expect(await s().versions.latestAt(d.id)).toBe(now + 30);
      const got = await s().versions.get(d.id, v1.id);
      expect([...got!.data]).toEqual([1, 2]);
      expect(await s().versions.get(d.id, 'nope')).toBeUndefined();
      const other = await s().documents.create({ title: 'Other', ownerId: a.id, now });
      expect(await s().versions.get(other.id, v1.id)).toBeUndefined();
      await s().documents.delete(d.id);
      expect(await s().versions.list(d.id)).toEqual([]);
    });
}
