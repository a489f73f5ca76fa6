import { beforeAll, expect, it } from 'vitest';
import { decodeSnapshotData, isForeignKeyViolation, type Storage } from '.';

/**
 * The update-log and snapshot part of the storage contract (see `contract.ts`): paging,
 * snapshots over what they were folded from, deletes of covered rows only, and reads that stay
 * consistent while a compaction commits.
 */
export function logContract(storage: () => Storage, user: (p?: string) => Promise<{ id: string }>, now: number) {
    let s!: Storage;
    beforeAll(() => {
      s = storage();
    });

    /** A document whose log holds `n` rows with bytes [i]; returns it with the rows' ids. */
    const logged = async (n: number) => {
      const d = await s.documents.create({ title: 'Compacted', ownerId: (await user()).id, now });
      await s.updates.append(Array.from({ length: n }, (_, i) => ({ documentId: d.id, data: new Uint8Array([i]) })), now);
      const ids = (await s.updates.page(d.id, 0, n + 1)).map((r) => r.id);
      expect(ids).toHaveLength(n);
      return { d, ids };
    };
    const bytesOf = (rows: { data: Uint8Array }[]) => rows.map((r) => r.data[0]);
    // Drivers return Buffer or Uint8Array; compare contents.
    const plainSnapshot = (x: { updates: Uint8Array[] } | undefined | null) => x && { ...x, updates: x.updates.map((u) => [...u]) };

    it('pages through the log in id order, with an optional upper bound', async () => {
      const { d, ids } = await logged(10);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(bytesOf(await s.updates.page(d.id, ids[2], 3))).toEqual([3, 4, 5]);
      expect(bytesOf(await s.updates.page(d.id, ids[2], 100, ids[6]))).toEqual([3, 4, 5, 6]);
      expect(await s.updates.lastId(d.id)).toBe(ids[9]);
      expect(await s.updates.lastId('missing-document-id')).toBe(0);
    });

    it('saves a snapshot only over the snapshot it was folded from', async () => {
      const { d, ids } = await logged(6);
      expect(await s.snapshots.get(d.id)).toBeUndefined();
      expect(await s.snapshots.save({ documentId: d.id, updates: [new Uint8Array([7, 7])], uptoId: ids[2], basedOn: null, now })).toBe(true);
      // Someone else already saved one: a second "first" snapshot and a stale base both lose.
      expect(await s.snapshots.save({ documentId: d.id, updates: [new Uint8Array([8])], uptoId: ids[4], basedOn: null, now })).toBe(false);
      expect(await s.snapshots.save({ documentId: d.id, updates: [new Uint8Array([8])], uptoId: ids[4], basedOn: ids[1], now })).toBe(false);
      expect(plainSnapshot(await s.snapshots.get(d.id))).toMatchObject({ updates: [[7, 7]], uptoId: ids[2], createdAt: now });
      expect(await s.snapshots.save({ documentId: d.id, updates: [new Uint8Array([9])], uptoId: ids[4], basedOn: ids[2], now: now + 1 })).toBe(true);
      expect(plainSnapshot(await s.snapshots.get(d.id))).toMatchObject({ updates: [[9]], uptoId: ids[4], createdAt: now + 1 });
      expect(await s.snapshots.uptoId(d.id)).toBe(ids[4]);
      await expect(s.snapshots.save({ documentId: d.id, updates: [new Uint8Array([1])], uptoId: ids[3], basedOn: ids[4], now })).rejects.toThrow(/forward/);
      await s.documents.delete(d.id);
      expect(await s.snapshots.get(d.id)).toBeUndefined();
      await expect(s.snapshots.save({ documentId: d.id, updates: [new Uint8Array([1])], uptoId: 1, basedOn: null, now })).rejects.toSatisfy(isForeignKeyViolation);
    });

    it('keeps a snapshot as its updates, in order', async () => {
      const { d, ids } = await logged(2);
      const updates = [new Uint8Array([1, 2, 3]), new Uint8Array([]), new Uint8Array(300).fill(9), new Uint8Array([4])];
      await s.snapshots.save({ documentId: d.id, updates, uptoId: ids[1], basedOn: null, now });
      const got = (await s.snapshots.get(d.id))!;
      expect(got.updates.map((u) => [...u])).toEqual(updates.map((u) => [...u]));
      expect(got.bytes).toBe(1 + 4 + 1 + 2 + 300 + 2);
      expect((await s.updates.load(d.id)).map((u) => u.length)).toEqual([3, 0, 300, 1]);
      expect(() => decodeSnapshotData(new Uint8Array([1, 1, 5, 0]))).toThrow(/trailing/);
    });

    it('loads the snapshot and the rows after it, ignoring covered rows not yet deleted', async () => {
      const { d, ids } = await logged(10);
      const plain = await s.updates.loadState(d.id);
      expect(plain).toMatchObject({ snapshot: null, lastId: ids[9], tailCount: 10, tailBytes: 10 });
      await s.snapshots.save({ documentId: d.id, updates: [new Uint8Array([100, 101])], uptoId: ids[5], basedOn: null, now });
      const state = await s.updates.loadState(d.id, 3);
      expect(plainSnapshot(state.snapshot)).toEqual({ updates: [[100, 101]], uptoId: ids[5] });
      expect(state.tail.map((u) => u[0])).toEqual([6, 7, 8, 9]);
      expect(state).toMatchObject({ lastId: ids[9], tailCount: 4, tailBytes: 4 });
      expect((await s.updates.load(d.id)).map((u) => [...u])).toEqual([[100, 101], [6], [7], [8], [9]]);
    });

    it('deletes in chunks only the rows the committed snapshot covers', async () => {
      const { d, ids } = await logged(10);
      const other = await logged(3);
      // No snapshot yet: nothing is covered, so nothing may go, whatever the caller asks.
      expect(await s.updates.deleteUpTo(d.id, ids[9], 100)).toBe(0);
      await s.snapshots.save({ documentId: d.id, updates: [new Uint8Array([1])], uptoId: ids[6], basedOn: null, now });
      expect(await s.updates.deleteUpTo(d.id, ids[9], 3)).toBe(3);
      expect(await s.updates.deleteUpTo(d.id, ids[9], 3)).toBe(3);
      expect(await s.updates.deleteUpTo(d.id, ids[9], 3)).toBe(1);
      expect(await s.updates.deleteUpTo(d.id, ids[9], 3)).toBe(0);
      expect(bytesOf(await s.updates.page(d.id, 0, 100))).toEqual([7, 8, 9]);
      expect(bytesOf(await s.updates.page(other.d.id, 0, 100))).toEqual([0, 1, 2]);
      // A lower bound than the snapshot's is respected too.
      await s.snapshots.save({ documentId: d.id, updates: [new Uint8Array([2])], uptoId: ids[9], basedOn: ids[6], now });
      expect(await s.updates.deleteUpTo(d.id, ids[8], 100)).toBe(2);
      expect(bytesOf(await s.updates.page(d.id, 0, 100))).toEqual([9]);
    });

    it('reads the snapshot and the rows after it, one page or several, whatever the page size', async () => {
      const { d, ids } = await logged(10);
      // Rows the snapshot covers are still in the log (not deleted yet): they must not be read.
      await s.snapshots.save({ documentId: d.id, updates: [new Uint8Array([100])], uptoId: ids[5], basedOn: null, now });
      const chunksOf = async (pageRows: number) => {
        const out: unknown[] = [];
        for await (const c of s.updates.read(d.id, pageRows)) out.push(c.kind === 'snapshot' ? plainSnapshot(c) : { kind: 'rows', bytes: bytesOf(c.rows) });
        return out;
      };
      const snapshot = { kind: 'snapshot', updates: [[100]], uptoId: ids[5] };
      expect(await chunksOf(100)).toEqual([snapshot, { kind: 'rows', bytes: [6, 7, 8, 9] }]);
      // A full first page reads on; an empty page ends it.
      expect(await chunksOf(4)).toEqual([snapshot, { kind: 'rows', bytes: [6, 7, 8, 9] }]);
      expect(await chunksOf(3)).toEqual([snapshot, { kind: 'rows', bytes: [6, 7, 8] }, { kind: 'rows', bytes: [9] }]);
      // No snapshot: the log from its start.
      const plain = await logged(3);
      const chunks = [];
      for await (const c of s.updates.read(plain.d.id)) chunks.push(c.kind === 'rows' ? bytesOf(c.rows) : c);
      expect(chunks).toEqual([[0, 1, 2]]);
      // The rows of a page share one buffer (a load holds pages; see onePage in updates.ts).
      for await (const c of s.updates.read(d.id, 3)) {
        if (c.kind === 'rows') expect(new Set(c.rows.map((r) => r.data.buffer)).size).toBe(1);
      }
    });

    it('reads a consistent document while a compaction commits and deletes mid-read', async () => {
      const { d, ids } = await logged(25);
      const reader = s.updates.read(d.id, 5);
      const first = await reader.next();
      expect(first.value).toMatchObject({ kind: 'rows' });
      // A compaction folds rows 0..14 and deletes them before the reader reaches rows 5..14.
      await s.snapshots.save({ documentId: d.id, updates: [new Uint8Array([200])], uptoId: ids[14], basedOn: null, now });
      while ((await s.updates.deleteUpTo(d.id, ids[14], 4)) > 0);
      const rest = [];
      for (let c = await reader.next(); !c.done; c = await reader.next()) rest.push(c.value);
      const rows = rest.flatMap((c) => (c.kind === 'rows' ? bytesOf(c.rows) : []));
      expect(rows).toEqual([15, 16, 17, 18, 19, 20, 21, 22, 23, 24]);
      // The new snapshot comes last and covers the rows the reader never saw.
      expect(plainSnapshot(rest[rest.length - 1] as { updates: Uint8Array[] })).toEqual({ kind: 'snapshot', updates: [[200]], uptoId: ids[14] });
      expect(await s.updates.loadState(d.id)).toMatchObject({ snapshot: { uptoId: ids[14] }, tailCount: 10, lastId: ids[24] });
    });
}
