import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { decodeMessage, encodeMessage, type Message } from '../../lib/protocol';
import { client, rawConnect, signedInUser, startHarness, storedDoc, waitFor, APP_ORIGIN, type Client, type Harness } from './helpers';

/**
 * Cold joins: a brand-new client (empty state vector) asking for a document that is still
 * loading is answered from the stored bytes (server/stored-feed.ts) before the room is built.
 * The document is big enough that building its room takes a good fraction of a second.
 */
let h: Harness;
let owner: Awaited<ReturnType<typeof signedInUser>>;
/** The stored history every test document gets: a snapshot, then rows of single edits. */
let history: { snapshot: Uint8Array; rows: Uint8Array[]; text: string };
const SNAPSHOT_EDITS = 20_000;
const TAIL_EDITS = 30_000;

beforeAll(async () => {
  h = await startHarness({ MAX_MESSAGE_BYTES: String(64 * 1024) });
  owner = await signedInUser(h.storage, h.config, 'Owner');
  const y = new Y.Doc();
  const text = y.getText('t');
  const type = (n: number, seed: number) => {
    for (let i = 0; i < n; i++) {
      if (i % 7 === 6 && text.length > 2) text.delete((i * seed) % (text.length - 1), 1);
      else text.insert((i * seed) % (text.length + 1), String.fromCharCode(97 + (i % 26)));
    }
  };
  type(SNAPSHOT_EDITS, 31);
  const snapshot = Y.encodeStateAsUpdate(y);
  const rows: Uint8Array[] = [];
  y.on('update', (u: Uint8Array) => rows.push(u));
  type(TAIL_EDITS, 17);
  history = { snapshot, rows, text: text.toString() };
}, 60_000);
afterAll(() => h.stop());

/** A new document whose storage holds `history` (snapshot + tail) and which no server has loaded. */
async function storedDocument(): Promise<string> {
  const d = await h.storage.documents.create({ title: 'cold', ownerId: owner.user.id, now: Date.now() });
  await h.storage.updates.append([{ documentId: d.id, data: history.snapshot }], Date.now());
  const uptoId = await h.storage.updates.lastId(d.id);
  expect(await h.storage.snapshots.save({ documentId: d.id, updates: [history.snapshot], uptoId, basedOn: null, now: Date.now() })).toBe(true);
  await h.storage.updates.deleteUpTo(d.id, uptoId, 10);
  for (let i = 0; i < history.rows.length; i += 5000) {
    await h.storage.updates.append(history.rows.slice(i, i + 5000).map((data) => ({ documentId: d.id, data })), Date.now());
  }
  return d.id;
}

const loading = (documentId: string) => h.server.rooms.openRoom(documentId) === undefined;
const fresh = encodeMessage({ type: 'sync-step1', stateVector: Y.encodeStateVector(new Y.Doc()) });

/** The app's client; records whether the room was still loading when it became synced. */
function coldClient(documentId: string, cookie = owner.cookie): Client & { syncedWhileLoading?: boolean } {
  const c: Client & { syncedWhileLoading?: boolean } = client(h, documentId, cookie);
  c.provider.on('sync', (s: boolean) => {
    if (s && c.syncedWhileLoading === undefined) c.syncedWhileLoading = loading(documentId);
  });
  return c;
}

function textOf(messages: Message[]): string {
  const d = new Y.Doc();
  for (const m of messages) if (m.type === 'sync-update' || m.type === 'sync-step2') Y.applyUpdate(d, m.update);
  return d.getText('t').toString();
}

describe('cold join of a stored document', () => {
  it('answers a brand-new client from the stored bytes before the room is built, and it converges with the stored document', async () => {
    const id = await storedDocument();
    const ws = new WebSocket(`${h.url}/${id}?tandem=1`, { headers: { cookie: owner.cookie, origin: APP_ORIGIN } });
    const messages: Message[] = [];
    ws.on('message', (d: Buffer) => messages.push(decodeMessage(new Uint8Array(d))));
    ws.on('open', () => ws.send(fresh));
    await waitFor(() => messages.some((m) => m.type === 'sync-step1'), 20_000, 'the ordinary join after the load');
    ws.close();
    const kinds = messages.map((m) => m.type);
    // role, the stored state (updates, then an empty step 2), then the ordinary join: role, step 1.
    expect(kinds[0]).toBe('role');
    const step2 = kinds.indexOf('sync-step2');
    const step1 = kinds.indexOf('sync-step1');
    expect(step2).toBeGreaterThan(1);
    expect(step1).toBeGreaterThan(step2);
    expect(kinds.slice(1, step2).every((k) => k === 'sync-update')).toBe(true);
    expect(kinds.filter((k) => k === 'sync-step2')).toHaveLength(1); // its step 1 was not answered twice
    expect(kinds.slice(step2 + 1, step1)).toEqual(['role']);
    expect(textOf(messages)).toBe(history.text);
    expect((await storedDoc(h.storage, id)).getText('t').toString()).toBe(history.text);
  }, 30_000);

  it("syncs the app's client while the room is still loading, with the whole text", async () => {
    // A document never loaded: one that is unloading makes a new client wait for that first.
    const id = await storedDocument();
    const c = coldClient(id);
    let atSync = '';
    c.provider.on('sync', () => (atSync ||= c.text()));
    await waitFor(() => c.tracker.state.kind === 'saved', 10_000, 'saved');
    expect(c.syncedWhileLoading).toBe(true);
    expect(atSync).toBe(history.text);
    await waitFor(() => !loading(id), 10_000, 'room built');
    expect(c.text()).toBe(history.text);
    c.destroy();
  }, 30_000);

  it('passes writes made during the load to the cold joiner, and acknowledges them', async () => {
    const id = await storedDocument();
    const a = coldClient(id);
    const b = coldClient(id);
    // A client with state of its own (the snapshot part, and an offline edit) takes the ordinary path.
    const c = coldClient(id);
    Y.applyUpdate(c.doc, history.snapshot);
    c.doc.getText('t').insert(0, '[offline]');
    // b writes as soon as it has the document, while the room is still being built: its
    // update waits for the room, and then reaches a, which was served before the room existed.
    let wroteWhileLoading: boolean | undefined;
    b.provider.on('sync', (s: boolean) => {
      if (!s || wroteWhileLoading !== undefined) return;
      wroteWhileLoading = loading(id);
      b.doc.getText('t').insert(0, '[during load]');
    });
    await waitFor(() => [a, b, c].every((x) => x.tracker.state.kind === 'saved'), 15_000, 'all saved');
    expect(wroteWhileLoading).toBe(true);
    expect(a.syncedWhileLoading).toBe(true);
    expect(b.syncedWhileLoading).toBe(true);
    expect(c.syncedWhileLoading).toBe(false);
    const want = (await storedDoc(h.storage, id)).getText('t').toString();
    expect(want).toContain('[during load]');
    expect(want).toContain('[offline]');
    expect(want.length).toBe(history.text.length + '[during load]'.length + '[offline]'.length);
    await waitFor(() => [a, b, c].every((x) => x.text() === want), 5000, 'convergence');
    // And after the load, ordinary relays.
    a.doc.getText('t').insert(0, '[after]');
    await waitFor(() => [b, c].every((x) => x.text().startsWith('[after]')), 5000, 'relay after load');
    for (const x of [a, b, c]) x.destroy();
  }, 30_000);

  it('gives a client with existing state the correct diff while the document loads', async () => {
    const id = await storedDocument();
    const raw = new WebSocket(`${h.url}/${id}?tandem=1`, { headers: { cookie: owner.cookie, origin: APP_ORIGIN } });
    const got: Message[] = [];
    raw.on('message', (d: Buffer) => got.push(decodeMessage(new Uint8Array(d))));
    const half = new Y.Doc();
    Y.applyUpdate(half, history.snapshot);
    await new Promise((r) => raw.on('open', r));
    expect(loading(id)).toBe(true);
    raw.send(encodeMessage({ type: 'sync-step1', stateVector: Y.encodeStateVector(half) }));
    await waitFor(() => got.some((m) => m.type === 'sync-step2'), 10_000, 'step 2');
    const kinds = got.map((m) => m.type);
    // The ordinary path: role and step 1 on join, then the answer to its step 1.
    expect(kinds.slice(0, 2)).toEqual(['role', 'sync-step1']);
    expect(kinds.filter((k) => k === 'sync-update')).toEqual([]);
    const step2 = got.find((m) => m.type === 'sync-step2')!;
    if (step2.type !== 'sync-step2') throw new Error('unreachable');
    expect(step2.update.length).toBeLessThan(history.snapshot.length + history.rows.reduce((n, u) => n + u.length, 0));
    Y.applyUpdate(half, step2.update);
    expect(half.getText('t').toString()).toBe(history.text);
    raw.close();
  }, 30_000);

  it('survives malformed and oversized frames sent during the load', async () => {
    const id = await storedDocument();
    const headers = { cookie: owner.cookie, origin: APP_ORIGIN };
    const url = `${h.url}/${id}?tandem=1`;
    const bad = await Promise.all([
      rawConnect(url, headers, [new Uint8Array([...fresh, 0])], 8000), // a fresh step 1 with trailing bytes
      rawConnect(url, headers, [new Uint8Array([0, 0, 4, 9, 200, 200, 200])], 8000), // a state vector that is not one
      rawConnect(url, headers, [new Uint8Array([0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f])], 8000), // a length far past the frame
      rawConnect(url, headers, [new Uint8Array(100 * 1024)], 8000), // over MAX_MESSAGE_BYTES
      rawConnect(url, headers, [fresh, fresh, new Uint8Array([0, 2, 3, 1, 2, 3])], 8000), // served, then garbage
    ]);
    expect(bad.map((r) => r.code)).toEqual([1007, 1007, 1007, 1009, 1007]);
    // The last one was served the stored document first.
    expect(textOf(bad[4].frames.map((f) => decodeMessage(f)))).toBe(history.text);
    // A client that goes away right after it was served leaves nothing behind.
    const gone = new WebSocket(url, { headers });
    gone.on('open', () => gone.send(fresh));
    await new Promise((r) => gone.once('message', r));
    gone.terminate();
    const c = coldClient(id);
    // Loading the 50,000-edit history takes 2-4 s on a quiet machine, 10+ s with both cores busy.
    await waitFor(() => c.tracker.state.kind === 'saved' && !loading(id), 25_000, 'synced');
    expect(c.text()).toBe(history.text);
    c.destroy();
    await waitFor(() => h.server.rooms.openRoom(id) === undefined, 5000, 'room unloaded');
  }, 60_000);
});
