import * as Y from 'yjs';

/** What one update adds: the author's clock after it, and how many items it deletes. */
function measure(update: Uint8Array, client: number): { end: number; deleted: number } {
  const { structs, ds } = Y.decodeUpdate(update);
  let end = 0;
  for (const s of structs) if (s.id.client === client) end = Math.max(end, s.id.clock + s.length);
  let deleted = 0;
  for (const items of ds.clients.values()) for (const d of items) deleted += d.len;
  return { end, deleted };
}

/**
 * How many of one author's updates, sent in order, the frames an observer received cover. A
 * server may relay each update as it came (y-websocket, raw ws) or merge the updates it got
 * together into one (Tandem applies a socket read's updates in one transaction), so frames are
 * not counted: update i is covered once the frames hold the author's clock up to the end of
 * update i and at least as many deletions as updates 0..i made. A server applies one client's
 * updates in order, so this is exact for a merged run: its structs end at its last insert and
 * its delete set holds every deletion of the run (Yjs records an item deleted in the
 * transaction that inserted it, too).
 */
export class Coverage {
  private readonly ends: Float64Array;
  private readonly deletes: Float64Array;
  private clock = 0;
  private deleted = 0;
  /** Updates covered so far. */
  covered = 0;

  /** The author: the client of the updates' structs. */
  private readonly client: number;

  constructor(updates: readonly Uint8Array[]) {
    let client: number | undefined;
    for (const u of updates) if ((client = Y.decodeUpdate(u).structs[0]?.id.client) !== undefined) break;
    if (client === undefined) throw new Error('no update inserts anything: its author is unknown');
    this.client = client;
    this.ends = new Float64Array(updates.length);
    this.deletes = new Float64Array(updates.length);
    let end = 0;
    let deleted = 0;
    updates.forEach((u, i) => {
      const m = measure(u, client);
      end = Math.max(end, m.end);
      deleted += m.deleted;
      this.ends[i] = end;
      this.deletes[i] = deleted;
    });
  }

  /** Reads one relayed update; returns how many more updates are now covered. */
  add(update: Uint8Array): number {
    const m = measure(update, this.client);
    this.clock = Math.max(this.clock, m.end);
    this.deleted += m.deleted;
    const before = this.covered;
    const n = this.ends.length;
    while (this.covered < n && this.ends[this.covered] <= this.clock && this.deletes[this.covered] <= this.deleted) this.covered++;
    return this.covered - before;
  }
}
