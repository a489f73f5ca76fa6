import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { decodeMessage, encodeMessage } from '../../lib/protocol';
import { signedInUser, startHarness, waitFor, APP_ORIGIN, type Harness } from './helpers';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

async function settledHeap(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 20));
  }
  return process.memoryUsage().heapUsed;
}

/** Opens a room, writes one update, waits for its acknowledgement, and leaves. */
function visit(url: string, cookie: string, update: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url}?tandem=1`, { headers: { cookie, origin: APP_ORIGIN } });
    ws.on('error', reject);
    ws.on('open', () => ws.send(encodeMessage({ type: 'sync-update', update })));
    ws.on('message', (d: Buffer) => {
      if (decodeMessage(new Uint8Array(d)).type === 'ack') ws.close();
    });
    ws.on('close', () => resolve());
  });
}

describe('memory', () => {
  let h: Harness;
  afterAll(() => h.stop());

  it('returns to within 10% of the starting heap after opening and closing 1,000 rooms', async () => {
    h = await startHarness();
    const owner = await signedInUser(h.storage, h.config, 'Owner');
    const docs = [];
    for (let i = 0; i < 1050; i++) docs.push(await h.storage.documents.create({ title: `d${i}`, ownerId: owner.user.id, now: Date.now() }));
    const update = (i: number) => {
      const d = new Y.Doc();
      d.getText('t').insert(0, `room ${i} `.repeat(20));
      return Y.encodeStateAsUpdate(d);
    };
    // Warm up code paths, caches and pools before the baseline.
    for (const d of docs.slice(0, 50)) await visit(`${h.url}/${d.id}`, owner.cookie, update(0));
    await waitFor(() => h.server.rooms.openRooms === 0, 5000, 'warm-up rooms unloaded');
    const before = await settledHeap();

    for (let i = 50; i < docs.length; i++) await visit(`${h.url}/${docs[i].id}`, owner.cookie, update(i));
    await waitFor(() => h.server.rooms.openRooms === 0, 10_000, 'all rooms unloaded');
    const after = await settledHeap();
    console.log(`heap: ${(before / 1e6).toFixed(1)} MB before, ${(after / 1e6).toFixed(1)} MB after 1,000 rooms`);
    expect(after).toBeLessThanOrEqual(before * 1.1);
  }, 120_000);
});
