import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { StoredChunk } from '../lib/storage';
import { Room } from './room';
import { YIELD_BEFORE_APPLY_BYTES, fillRoom } from './room-load';
import { StoredFeed } from './stored-feed';

const noDeps = { persist: async () => {}, onFailure: () => {} };

async function* chunksOf(list: StoredChunk[]): AsyncGenerator<StoredChunk> {
  yield* list;
}

/** A document of `chars` characters typed one at a time, stored as one page of log rows. */
function typed(chars: number): { text: string; chunk: StoredChunk } {
  const doc = new Y.Doc();
  const rows: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => rows.push(u));
  const text = doc.getText('t');
  for (let i = 0; i < chars; i++) text.insert(i, String.fromCharCode(97 + (i % 26)));
  return { text: text.toString(), chunk: { kind: 'rows', rows: rows.map((data, k) => ({ id: k + 1, data })) } };
}

/**
 * Loads `chunks` into a new room; reports whether a setImmediate queued first ran before the
 * load finished. Slices never run out here, so only the turn before applying can yield (on a
 * busy machine a 5 ms slice can run out even for 20 rows).
 */
async function load(chunks: StoredChunk[]) {
  const room = new Room('d', noDeps);
  let turned = false;
  setImmediate(() => (turned = true));
  const tail = await fillRoom(room, chunksOf(chunks), new StoredFeed(), 60_000);
  const text = room.doc.getText('t').toString();
  room.destroy();
  return { turned, tail, text };
}

describe('fillRoom', () => {
  it('builds a small document without waiting for a turn of the event loop', async () => {
    // Under a burst of connections one turn took 63 ms at the median, for an empty document.
    expect(await load([])).toMatchObject({ turned: false, text: '', tail: { count: 0 } });
    const small = typed(20);
    expect(await load([small.chunk])).toMatchObject({ turned: false, text: small.text, tail: { count: 20 } });
  });

  it('gives the event loop a turn before applying a large document, so new clients are answered from the stored bytes first', async () => {
    const big = typed(200);
    const rows = (big.chunk as Extract<StoredChunk, { kind: 'rows' }>).rows;
    // Above the threshold counting each row's overhead too.
    expect(rows.reduce((n, r) => n + r.data.length + 200, 0)).toBeGreaterThanOrEqual(YIELD_BEFORE_APPLY_BYTES);
    expect(await load([big.chunk])).toMatchObject({ turned: true, text: big.text, tail: { count: 200 } });
  });
});
