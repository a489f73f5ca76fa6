import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { decodeMessage, encodeAwarenessUpdate, encodeMessage } from '../../lib/protocol';
import { WebSocket } from 'ws';
import { colorFor } from '../../lib/colors';
import { client, rawConnect, signedInUser, startHarness, waitFor, APP_ORIGIN, type Harness } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});

async function docWith(role: 'editor' | 'viewer') {
  const owner = await signedInUser(h.storage, h.config, 'Owner');
  const other = await signedInUser(h.storage, h.config, role === 'viewer' ? 'Vera Viewer' : 'Eddie Editor');
  const doc = await h.storage.documents.create({ title: 'Doc', ownerId: owner.user.id, now: Date.now() });
  await h.storage.members.share(doc.id, other.user.email, role, Date.now());
  return { owner, other, doc };
}

describe('viewers', () => {
  it('receive the document and awareness live, but their updates are never applied', async () => {
    const { owner, other, doc } = await docWith('viewer');
    const co = client(h, doc.id, owner.cookie);
    co.provider.awareness.setLocalStateField('cursor', { at: 1 });
    co.doc.getText('t').insert(0, 'from owner');
    await waitFor(() => co.tracker.state.kind === 'saved', 5000, 'owner saved');
    const cv = client(h, doc.id, other.cookie);
    await waitFor(() => cv.text() === 'from owner', 5000, 'viewer sees content');
    await waitFor(() => cv.provider.awareness.getStates().has(co.doc.clientID), 5000, 'viewer sees awareness');

    cv.doc.getText('t').insert(0, 'VIEWER WRITES ');
    await waitFor(() => cv.tracker.state.kind === 'error', 5000, 'viewer told read-only');
    expect(cv.tracker.state).toMatchObject({ kind: 'error' });
    co.doc.getText('t').insert(co.doc.getText('t').length, '!');
    await waitFor(() => cv.text().endsWith('!'), 5000, 'viewer still receives');
    expect(co.text()).toBe('from owner!');
    // Relays leave before the commit; storage is only promised once the owner's change is acknowledged.
    await co.tracker.whenDurable();
    const stored = new Y.Doc();
    for (const u of await h.storage.updates.load(doc.id)) Y.applyUpdate(stored, u);
    expect(stored.getText('t').toString()).toBe('from owner!');
    co.destroy();
    cv.destroy();
  });

  it('a raw viewer sending sync step 2 and updates gets a read-only notice and changes nothing', async () => {
    const { owner, other, doc } = await docWith('viewer');
    const forged = new Y.Doc();
    forged.getText('t').insert(0, 'forged');
    const update = Y.encodeStateAsUpdate(forged);
    const r = await rawConnect(`${h.url}/${doc.id}`, { cookie: other.cookie, origin: APP_ORIGIN }, [
      encodeMessage({ type: 'sync-step2', update }),
      encodeMessage({ type: 'sync-update', update }),
    ]);
    const kinds = r.frames.map((f) => decodeMessage(f).type);
    expect(kinds).toContain('auth-denied');
    const co = client(h, doc.id, owner.cookie);
    await waitFor(() => co.provider.synced, 5000, 'owner synced');
    expect(co.text()).toBe('');
    expect(await h.storage.updates.load(doc.id)).toHaveLength(0);
    co.destroy();
  });
});

describe('awareness identity', () => {
  it('replaces a forged user name with the account name and colour', async () => {
    const { owner, other, doc } = await docWith('editor');
    const co = client(h, doc.id, owner.cookie);
    const ce = client(h, doc.id, other.cookie);
    ce.provider.awareness.setLocalStateField('user', { name: 'Owner', color: '#000000', id: owner.user.id });
    await waitFor(() => co.provider.awareness.getStates().get(ce.doc.clientID)?.user !== undefined, 5000, 'awareness arrives');
    const seen = co.provider.awareness.getStates().get(ce.doc.clientID)!.user;
    expect(seen).toEqual({ id: other.user.id, name: 'Eddie Editor', color: colorFor(other.user.id) });
    co.destroy();
    ce.destroy();
  });

  it('drops awareness sent for a client id that belongs to another connection', async () => {
    const { owner, other, doc } = await docWith('editor');
    const co = client(h, doc.id, owner.cookie);
    co.provider.awareness.setLocalStateField('cursor', 'owner-cursor');
    await waitFor(() => co.provider.synced, 5000, 'synced');
    const watcher = client(h, doc.id, owner.cookie);
    await waitFor(() => watcher.provider.awareness.getStates().get(co.doc.clientID)?.cursor === 'owner-cursor', 5000, 'watcher sees owner');
    // The attacker announces a state under the owner's client id with a much higher clock.
    const forged = encodeAwarenessUpdate([{ clientId: co.doc.clientID, clock: 1_000_000, state: { cursor: 'hijacked' } }]);
    await rawConnect(`${h.url}/${doc.id}`, { cookie: other.cookie, origin: APP_ORIGIN }, [encodeMessage({ type: 'awareness', update: forged })], 500);
    await new Promise((r) => setTimeout(r, 200));
    expect(watcher.provider.awareness.getStates().get(co.doc.clientID)?.cursor).toBe('owner-cursor');
    co.destroy();
    watcher.destroy();
  });
});

describe('malformed input closes only the offending connection', () => {
  it('bad frames get 1007, text frames 1003, and the room keeps serving others', async () => {
    const { owner, other, doc } = await docWith('editor');
    const co = client(h, doc.id, owner.cookie);
    await waitFor(() => co.provider.synced, 5000, 'synced');
    const bad = [
      new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
      new Uint8Array([0, 2, 50, 1, 2]),
      new Uint8Array([42]),
      encodeMessage({ type: 'awareness', update: new TextEncoder().encode('\x01\x01\x01\x05{nope') }),
      encodeMessage({ type: 'sync-update', update: new Uint8Array([1, 1, 1, 1, 1, 1, 1]) }),
    ];
    for (const frame of bad) {
      const r = await rawConnect(`${h.url}/${doc.id}`, { cookie: other.cookie, origin: APP_ORIGIN }, [frame]);
      expect(r.code).toBe(1007);
    }
    const text = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${h.url}/${doc.id}`, { headers: { cookie: other.cookie, origin: APP_ORIGIN } });
      ws.on('open', () => ws.send('hello'));
      ws.on('close', (code) => resolve(code));
    });
    expect(text).toBe(1003);
    co.doc.getText('t').insert(0, 'still fine');
    await waitFor(() => co.tracker.state.kind === 'saved', 5000, 'owner still saving');
    co.destroy();
  });
});

describe('updates with missing dependencies', () => {
  it('are refused with 1007, leave nothing pending, and arrive complete after the client resyncs', async () => {
    const { owner, doc } = await docWith('editor');
    const local = new Y.Doc();
    const updates: Uint8Array[] = [];
    local.on('update', (u: Uint8Array) => updates.push(u));
    local.getText('t').insert(0, 'first ');
    local.getText('t').insert(6, 'second');
    // Only the second update: it depends on the first, which the server never saw.
    const r = await rawConnect(`${h.url}/${doc.id}`, { cookie: owner.cookie, origin: APP_ORIGIN }, [encodeMessage({ type: 'sync-update', update: updates[1] })]);
    expect(r).toMatchObject({ code: 1007, reason: expect.stringContaining('depends on changes the server does not have') });
    const c = client(h, doc.id, owner.cookie);
    await waitFor(() => c.provider.synced, 5000, 'synced');
    expect(c.text()).toBe('');
    // A real client's sync step 2 carries everything the server lacks.
    Y.applyUpdate(c.doc, Y.encodeStateAsUpdate(local));
    await waitFor(() => c.tracker.state.kind === 'saved', 5000, 'saved');
    const stored = new Y.Doc();
    for (const u of await h.storage.updates.load(doc.id)) Y.applyUpdate(stored, u);
    expect(stored.getText('t').toString()).toBe('first second');
    c.destroy();
  });
});
