import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeMessage } from '../../lib/protocol';
import { openLiveOn } from './live-stream';
import { APP_ORIGIN, client, rawConnect, signedInUser, startHarness, waitFor, type Harness } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({}, { sessionCheckMs: 200 });
});
afterAll(() => h.stop());

/** Opens `GET /live` on the test server. */
const openLive = (headers: { cookie?: string; origin?: string }) => openLiveOn(h.server.port, headers);

async function sharedDocument() {
  const owner = await signedInUser(h.storage, h.config, 'Owner');
  const editor = await signedInUser(h.storage, h.config, 'Editor');
  const stranger = await signedInUser(h.storage, h.config, 'Stranger');
  const doc = await h.storage.documents.create({ title: 'Plan', ownerId: owner.user.id, now: Date.now() });
  await h.storage.members.share(doc.id, editor.user.email, 'editor', Date.now());
  await h.storage.members.acceptInvite(doc.id, editor.user.id, editor.user.email, Date.now());
  return { owner, editor, stranger, doc };
}

describe('GET /live', () => {
  it('refuses other origins and missing sessions', async () => {
    const { owner } = await sharedDocument();
    const noOrigin = await openLive({ cookie: owner.cookie });
    expect(noOrigin.status).toBe(403);
    const evil = await openLive({ cookie: owner.cookie, origin: 'https://evil.example' });
    expect(evil.status).toBe(403);
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    const anonymous = await openLive({ origin: APP_ORIGIN });
    expect(anonymous.status).toBe(401);
    const ok = await openLive({ cookie: owner.cookie, origin: APP_ORIGIN });
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toBe('text/event-stream');
    expect(ok.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
    expect(ok.headers['access-control-allow-credentials']).toBe('true');
    ok.close();
  });

  it('streams who is in a document, and renames, only to people with access', async () => {
    const { owner, editor, stranger, doc } = await sharedDocument();
    const ownerList = await openLive({ cookie: owner.cookie, origin: APP_ORIGIN });
    const strangerList = await openLive({ cookie: stranger.cookie, origin: APP_ORIGIN });

    const c = client(h, doc.id, editor.cookie);
    c.provider.awareness.setLocalStateField('user', { name: 'spoofed', color: '#000' });
    await waitFor(() => ownerList.events.some((e) => e.type === 'presence' && e.people.length === 1), 3000, 'presence event');
    const joined = ownerList.events.find((e) => e.type === 'presence');
    // The server's identity, not what the client claimed.
    expect(joined).toMatchObject({ documentId: doc.id, people: [{ id: editor.user.id, name: 'Editor', idle: false }] });

    c.provider.awareness.setLocalStateField('idle', true);
    await waitFor(() => ownerList.events.some((e) => e.type === 'presence' && e.people[0]?.idle === true), 3000, 'idle presence');

    // A new list sees who is there at once.
    const late = await openLive({ cookie: owner.cookie, origin: APP_ORIGIN });
    await waitFor(() => late.events.length > 0, 3000, 'initial presence');
    expect(late.events[0]).toMatchObject({ type: 'presence', documentId: doc.id, people: [{ id: editor.user.id, idle: true }] });

    // A rename reaches the list and the open connection (title notice).
    const titles: string[] = [];
    c.onTitle((t) => titles.push(t));
    await h.storage.documents.rename(doc.id, 'Plan B', Date.now());
    await waitFor(() => ownerList.events.some((e) => e.type === 'title'), 2000, 'title event');
    expect(ownerList.events.find((e) => e.type === 'title')).toEqual({ type: 'title', documentId: doc.id, title: 'Plan B' });
    await waitFor(() => titles.length === 1, 2000, 'title notice');
    expect(titles).toEqual(['Plan B']);

    c.destroy();
    await waitFor(() => ownerList.events.some((e) => e.type === 'presence' && e.people.length === 0), 3000, 'left');
    // The stranger heard nothing about a document they cannot see.
    expect(strangerList.events).toEqual([]);

    // Sharing with the stranger tells their list to reload; from then on they hear about it.
    await h.storage.members.share(doc.id, stranger.user.email, 'viewer', Date.now());
    await h.storage.members.acceptInvite(doc.id, stranger.user.id, stranger.user.email, Date.now());
    await waitFor(() => strangerList.events.some((e) => e.type === 'access'), 2000, 'access event');
    await h.storage.documents.rename(doc.id, 'Plan C', Date.now());
    await waitFor(() => strangerList.events.some((e) => e.type === 'title'), 2000, 'title for the new viewer');
    for (const s of [ownerList, strangerList, late]) s.close();
  });

  it('ends within a second when the session is signed out', async () => {
    const { owner } = await sharedDocument();
    const list = await openLive({ cookie: owner.cookie, origin: APP_ORIGIN });
    expect(list.status).toBe(200);
    // Signing out (the app's logout) revokes the session and records it in the outbox.
    await h.storage.sessions.revokeToken(owner.token);
    await waitFor(() => list.ended, 2000, 'stream ended');
  });
});

describe('title notices', () => {
  it('a client may not send one: the connection is closed with 1007, the title is untouched', async () => {
    const { owner, doc } = await sharedDocument();
    const r = await rawConnect(`${h.url}/${doc.id}?tandem=1`, { cookie: owner.cookie, origin: APP_ORIGIN }, [encodeMessage({ type: 'title', title: 'hijacked' })]);
    expect(r.code).toBe(1007);
    expect((await h.storage.documents.find(doc.id))?.title).toBe('Plan');
  });
});
