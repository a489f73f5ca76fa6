import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { client, rawConnect, signedInUser, startHarness, waitFor, APP_ORIGIN, type Harness } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({}, { heartbeatMs: 300 });
});
afterAll(async () => {
  await h.stop();
});

async function sharedDoc() {
  const a = await signedInUser(h.storage, h.config, 'Ada');
  const b = await signedInUser(h.storage, h.config, 'Bo');
  const doc = await h.storage.documents.create({ title: 'Notes', ownerId: a.user.id, now: Date.now() });
  await h.storage.members.share(doc.id, b.user.email, 'editor', Date.now());
  return { a, b, doc };
}

async function storedText(documentId: string): Promise<string> {
  const d = new Y.Doc();
  for (const u of await h.storage.updates.load(documentId)) Y.applyUpdate(d, u);
  return d.getText('t').toString();
}

describe('sync between clients', () => {
  it('two clients converge on concurrent edits', async () => {
    const { a, b, doc } = await sharedDoc();
    const ca = client(h, doc.id, a.cookie);
    const cb = client(h, doc.id, b.cookie);
    await waitFor(() => ca.provider.synced && cb.provider.synced, 5000, 'both synced');
    ca.doc.getText('t').insert(0, 'hello ');
    cb.doc.getText('t').insert(0, 'world ');
    await waitFor(() => ca.text() === cb.text() && ca.text().length === 12, 5000, 'convergence');
    expect(ca.text()).toContain('hello ');
    expect(cb.text()).toContain('world ');
    ca.destroy();
    cb.destroy();
  });

  it('acknowledges only after the update is in the SQLite log', async () => {
    const { a, doc } = await sharedDoc();
    const ca = client(h, doc.id, a.cookie);
    await waitFor(() => ca.tracker.state.kind === 'saved', 5000, 'initially saved');
    const seen: string[] = [];
    ca.tracker.subscribe((s) => seen.push(s.kind));
    ca.doc.getText('t').insert(0, 'durable');
    expect(ca.tracker.state.kind).toBe('saving');
    await waitFor(() => ca.tracker.state.kind === 'saved', 5000, 'saved after edit');
    expect(seen).toEqual(['saving', 'saved']);
    // 'saved' was reported, so the text must already be readable from the database.
    expect(await storedText(doc.id)).toBe('durable');
    ca.destroy();
  });

  it('content survives a server restart', async () => {
    const { a, b, doc } = await sharedDoc();
    const ca = client(h, doc.id, a.cookie);
    ca.doc.getText('t').insert(0, 'persisted text');
    await waitFor(() => ca.tracker.state.kind === 'saved', 5000, 'saved');
    ca.destroy();
    await h.restart();
    const cb = client(h, doc.id, b.cookie);
    await waitFor(() => cb.provider.synced, 5000, 'synced after restart');
    expect(cb.text()).toBe('persisted text');
    cb.destroy();
  });

  it('frees the room when its last client leaves', async () => {
    const { a, doc } = await sharedDoc();
    await waitFor(() => h.server.rooms.openRooms === 0, 5000, 'earlier rooms unloaded');
    const before = 0;
    const ca = client(h, doc.id, a.cookie);
    await waitFor(() => ca.provider.synced, 5000, 'synced');
    expect(h.server.rooms.openRooms).toBe(before + 1);
    ca.destroy();
    await waitFor(() => h.server.rooms.openRooms === before, 5000, 'room freed');
  });

  it('keeps a lone idle client alive with heartbeat frames', async () => {
    const { a, doc } = await sharedDoc();
    const r = await rawConnect(`${h.url}/${doc.id}`, { cookie: a.cookie, origin: APP_ORIGIN }, [], 1600);
    // sync step 1 on join, then at least three heartbeats 300 ms apart
    expect(r.frames.length).toBeGreaterThanOrEqual(4);
    expect(r.code).toBe(1000);
  });

  it('relays edits made while a client was offline once it reconnects', async () => {
    const { a, b, doc } = await sharedDoc();
    const ca = client(h, doc.id, a.cookie);
    const cb = client(h, doc.id, b.cookie);
    await waitFor(() => ca.provider.synced && cb.provider.synced, 5000, 'synced');
    ca.provider.disconnect();
    ca.doc.getText('t').insert(0, 'offline edit');
    await waitFor(() => ca.tracker.state.kind === 'offline', 2000, 'offline state');
    ca.provider.connect();
    await waitFor(() => cb.text() === 'offline edit', 5000, 'offline edit relayed');
    await waitFor(() => ca.tracker.state.kind === 'saved', 5000, 'saved after reconnect');
    expect(await storedText(doc.id)).toBe('offline edit');
    ca.destroy();
    cb.destroy();
  });
});

describe('stock clients', () => {
  it('a plain y-websocket provider syncs and never receives a Tandem-only frame', async () => {
    const { WebsocketProvider } = await import('y-websocket');
    const { socketWith } = await import('./helpers');
    const { decodeMessage } = await import('../../lib/protocol');
    const { a, b, doc } = await sharedDoc();
    const received: string[] = [];
    const Base = socketWith({ cookie: a.cookie, origin: APP_ORIGIN });
    class Spy extends (Base as unknown as typeof import('ws').WebSocket) {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols as string[]);
        this.on('message', (d: Buffer) => received.push(decodeMessage(new Uint8Array(d)).type));
      }
    }
    const ydoc = new Y.Doc();
    const stock = new WebsocketProvider(h.url, doc.id, ydoc, { WebSocketPolyfill: Spy as unknown as typeof WebSocket, disableBc: true });
    const cb = client(h, doc.id, b.cookie);
    cb.provider.awareness.setLocalStateField('cursor', 1);
    await waitFor(() => stock.synced && cb.provider.synced, 5000, 'both synced');
    await waitFor(() => stock.awareness.getStates().get(cb.doc.clientID)?.user?.name === 'Bo', 5000, 'awareness with account name');
    ydoc.getText('t').insert(0, 'from a stock client');
    await waitFor(() => cb.text() === 'from a stock client', 5000, 'relayed to the app client');
    cb.doc.getText('t').insert(0, '> ');
    await waitFor(() => ydoc.getText('t').toString() === '> from a stock client', 5000, 'relayed to the stock client');
    await waitFor(async () => (await storedText(doc.id)) === '> from a stock client', 5000, 'stored');
    expect(received.length).toBeGreaterThan(0);
    expect(received.filter((t) => t === 'ack')).toEqual([]);
    expect(new Set(received)).toEqual(new Set(['sync-step1', 'sync-step2', 'sync-update', 'awareness']));
    stock.destroy();
    cb.destroy();
  });
});
