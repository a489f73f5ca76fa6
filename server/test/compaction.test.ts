import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { TAIL_TO_SNAPSHOT } from '../compaction/scheduler';
import { client, signedInUser, startHarness, waitFor, type Client, type Harness } from './helpers';

/** Low enough that compactions run over and over while the clients type. */
const COMPACT_AFTER = 40;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ COMPACT_AFTER_UPDATES: String(COMPACT_AFTER) });
});
afterAll(async () => {
  await h.stop();
});

async function stored(documentId: string) {
  const state = await h.storage.updates.loadState(documentId);
  const d = new Y.Doc();
  for (const u of state.snapshot?.updates ?? []) Y.applyUpdate(d, u);
  for (const u of state.tail) Y.applyUpdate(d, u);
  return { doc: d, state };
}

/** Random inserts and deletes at random places, as several people typing at once would make. */
function typeRandomly(c: Client, label: string): () => number {
  let edits = 0;
  const text = c.doc.getText('t');
  const timer = setInterval(() => {
    const len = text.length;
    if (len > 20 && Math.random() < 0.3) text.delete(Math.floor(Math.random() * (len - 3)), 1 + Math.floor(Math.random() * 3));
    else text.insert(Math.floor(Math.random() * (len + 1)), `${label}${edits % 10}`);
    edits++;
  }, 4);
  return () => {
    clearInterval(timer);
    return edits;
  };
}

describe('compaction on a live server', () => {
  it('loses nothing while clients write continuously and compactions run repeatedly', async () => {
    const owner = await signedInUser(h.storage, h.config, 'Owner');
    const doc = await h.storage.documents.create({ title: 'Busy', ownerId: owner.user.id, now: Date.now() });
    const people = [owner];
    for (const name of ['Bea', 'Cy']) {
      const p = await signedInUser(h.storage, h.config, name);
      await h.storage.members.share(doc.id, p.user.email, 'editor', Date.now());
      people.push(p);
    }
    const clients = people.map((p) => client(h, doc.id, p.cookie));
    await waitFor(() => clients.every((c) => c.provider.synced), 5000, 'all synced');

    const before = h.server.compaction.stats.compactions;
    const stops = clients.map((c, i) => typeRandomly(c, 'abc'[i]));
    await waitFor(() => h.server.compaction.stats.compactions - before >= 10, 20_000, 'ten compactions while typing');
    // One client drops and comes back mid-stream: its offline edits arrive in a sync step 2.
    clients[1].provider.disconnect();
    await new Promise((r) => setTimeout(r, 200));
    clients[1].provider.connect();
    await new Promise((r) => setTimeout(r, 500));
    const edits = stops.map((stop) => stop());

    await waitFor(() => clients.every((c) => c.tracker.state.kind === 'saved'), 10_000, 'every client saved');
    await waitFor(() => clients.every((c) => c.text() === clients[0].text()), 10_000, 'convergence');
    await h.server.compaction.idle();
    const stats = h.server.compaction.stats;
    expect(stats.failures).toBe(0);
    expect(stats.compactions - before).toBeGreaterThanOrEqual(10);
    expect(edits.every((n) => n > 50)).toBe(true);

    // The stored document (snapshot + tail) is every client's document, to the last struct.
    const { doc: s, state } = await stored(doc.id);
    expect(state.snapshot).not.toBeNull();
    // Once idle, the tail is one the scheduler's rule leaves alone: fewer rows than the
    // threshold, or less than a quarter of the snapshot's bytes (a compaction rewrites it all).
    const snapshotBytes = state.snapshot!.updates.reduce((n, u) => n + u.length, 0);
    if (state.tailCount >= COMPACT_AFTER) expect(state.tailBytes).toBeLessThan(snapshotBytes * TAIL_TO_SNAPSHOT);
    for (const c of clients) {
      expect(s.getText('t').toString()).toBe(c.text());
      expect(Y.encodeStateVector(s)).toEqual(Y.encodeStateVector(c.doc));
    }
    // Each client's own edits are in it: every label was typed, and nothing is missing from
    // the state (the state vectors match), so no acknowledged update was dropped.
    for (const label of 'abc') expect(s.getText('t').toString()).toContain(label);
    // Folded rows were deleted, not merely ignored.
    expect((await h.storage.updates.page(doc.id, 0, 100_000)).length).toBe(state.tailCount);

    // Everyone leaves: the room unloads, and a tail of a tenth of the threshold is compacted.
    const text = clients[0].text();
    for (const c of clients) c.destroy();
    await waitFor(() => h.server.rooms.openRooms === 0, 5000, 'room unloaded');
    await h.server.compaction.idle();
    expect((await stored(doc.id)).state.tailCount).toBeLessThan(COMPACT_AFTER / 10);

    // And after a restart, a new client loads exactly the same document.
    await h.restart();
    const again = client(h, doc.id, owner.cookie);
    await waitFor(() => again.provider.synced, 5000, 'synced after restart');
    expect(again.text()).toBe(text);
    again.destroy();
  });
});
