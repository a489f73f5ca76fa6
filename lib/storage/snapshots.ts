import type { CompiledQuery, Kysely } from 'kysely';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { precompiled } from './precompiled';
import type { Database } from './schema';

/** A document's compacted state; covers every update-log row with `id <= uptoId`. */
export interface Snapshot {
  /** Yjs updates to apply in order (segments small enough to apply one per event-loop turn). */
  updates: Uint8Array[];
  /** Stored size. */
  bytes: number;
  uptoId: number;
  createdAt: number;
}

/** The `data` column: varUint(count), then each update as varUint(length) • bytes. */
export function encodeSnapshotData(updates: readonly Uint8Array[]): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, updates.length);
  for (const u of updates) encoding.writeVarUint8Array(e, u);
  return encoding.toUint8Array(e);
}

export function decodeSnapshotData(data: Uint8Array): Uint8Array[] {
  const d = decoding.createDecoder(data);
  const count = decoding.readVarUint(d);
  const updates: Uint8Array[] = [];
  for (let i = 0; i < count; i++) updates.push(decoding.readVarUint8Array(d));
  if (decoding.hasContent(d)) throw new Error('snapshot data has trailing bytes');
  return updates;
}

/** One snapshot per document, replaced as compaction folds more of the update log into it. */
export class Snapshots {
  /** Both are asked by every document load (see Updates.read), so they are compiled once. */
  private readonly byDocument: (documentId: string) => CompiledQuery;
  private readonly uptoIdOf: (documentId: string) => CompiledQuery;

  constructor(private readonly db: Kysely<Database>) {
    this.byDocument = precompiled(db, 1, (documentId: string) =>
      db.selectFrom('snapshots').select(['data', 'upto_update_id', 'created_at']).where('document_id', '=', documentId),
    );
    this.uptoIdOf = precompiled(db, 1, (documentId: string) => db.selectFrom('snapshots').select('upto_update_id').where('document_id', '=', documentId));
  }

  async get(documentId: string): Promise<Snapshot | undefined> {
    const [r] = (await this.db.executeQuery<{ data: Uint8Array; upto_update_id: number; created_at: number }>(this.byDocument(documentId))).rows;
    return r && { updates: decodeSnapshotData(r.data), bytes: r.data.length, uptoId: Number(r.upto_update_id), createdAt: Number(r.created_at) };
  }

  /** The `uptoId` of the current snapshot without reading its bytes; undefined when there is none. */
  async uptoId(documentId: string): Promise<number | undefined> {
    const [r] = (await this.db.executeQuery<{ upto_update_id: number }>(this.uptoIdOf(documentId))).rows;
    return r && Number(r.upto_update_id);
  }

  /**
   * Makes `updates` the document's snapshot, covering rows up to `uptoId`, but only if the current
   * snapshot is still the one the caller folded from (`basedOn`: its `uptoId`, or null for
   * none). Returns false, changing nothing, when another snapshot was saved in between. Each
   * branch is one statement, so the check and the write are atomic in SQLite and Postgres.
   */
  async save(input: { documentId: string; updates: readonly Uint8Array[]; uptoId: number; basedOn: number | null; now: number }): Promise<boolean> {
    const { documentId, uptoId, basedOn, now } = input;
    const data = encodeSnapshotData(input.updates);
    if (basedOn !== null && uptoId <= basedOn) throw new Error(`snapshot must move forward (${basedOn} -> ${uptoId})`);
    if (basedOn === null) {
      const r = await this.db
        .insertInto('snapshots')
        .values({ document_id: documentId, data, upto_update_id: uptoId, created_at: now })
        .onConflict((oc) => oc.column('document_id').doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
    }
    const r = await this.db
      .updateTable('snapshots')
      .set({ data, upto_update_id: uptoId, created_at: now })
      .where('document_id', '=', documentId)
      .where('upto_update_id', '=', basedOn)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
}
