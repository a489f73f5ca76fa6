import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeMessage } from '../../lib/protocol';
import { client, rawConnect, signedInUser, startHarness, waitFor, APP_ORIGIN, type Harness } from './helpers';

let h: Harness;
let owner: Awaited<ReturnType<typeof signedInUser>>;
let docId: string;

beforeAll(async () => {
  h = await startHarness();
  owner = await signedInUser(h.storage, h.config, 'Owner');
  docId = (await h.storage.documents.create({ title: 'Secret', ownerId: owner.user.id, now: Date.now() })).id;
  // Give the document content, so any leak would show up as frames.
  const c = client(h, docId, owner.cookie);
  c.doc.getText('t').insert(0, 'top secret content');
  await waitFor(() => c.tracker.state.kind === 'saved', 5000, 'owner saved');
  c.destroy();
  await waitFor(() => h.server.rooms.openRooms === 0, 5000, 'room unloaded');
});
afterAll(async () => {
  await h.stop();
});

const url = () => `${h.url}/${docId}`;
// A client that sends sync step 1 at once, as y-websocket does; a rejected one gets nothing back.
const hello = [encodeMessage({ type: 'sync-step1', stateVector: new Uint8Array([0]) })];

describe('upgrade rejections: final close codes, no document bytes, no room loaded', () => {
  const cases: [string, () => Promise<{ cookie?: string; origin?: string; path?: string }>, number][] = [
    ['no cookie', async () => ({ origin: APP_ORIGIN }), 4401],
    ['forged cookie', async () => ({ origin: APP_ORIGIN, cookie: `tandem_session=${'A'.repeat(43)}` }), 4401],
    ['malformed cookie', async () => ({ origin: APP_ORIGIN, cookie: 'tandem_session=%%%' }), 4401],
    [
      'idle-expired session',
      async () => {
        const u = await signedInUser(h.storage, h.config, 'Idle');
        await h.storage.members.share(docId, u.user.email, 'editor', Date.now());
        await h.storage.sessions.setTimes(u.token, { lastUsedAt: Date.now() - h.config.sessionIdleMs - 1000 });
        return { origin: APP_ORIGIN, cookie: u.cookie };
      },
      4401,
    ],
    [
      'absolutely expired session',
      async () => {
        const u = await signedInUser(h.storage, h.config, 'Old');
        await h.storage.members.share(docId, u.user.email, 'editor', Date.now());
        await h.storage.sessions.setTimes(u.token, { expiresAt: Date.now() - 1 });
        return { origin: APP_ORIGIN, cookie: u.cookie };
      },
      4401,
    ],
    [
      'revoked session',
      async () => {
        const u = await signedInUser(h.storage, h.config, 'Gone');
        await h.storage.members.share(docId, u.user.email, 'editor', Date.now());
        await h.storage.sessions.revokeToken(u.token);
        return { origin: APP_ORIGIN, cookie: u.cookie };
      },
      4401,
    ],
    ['foreign Origin with a valid cookie', async () => ({ origin: 'http://evil.example', cookie: owner.cookie }), 4403],
    ['missing Origin with a valid cookie', async () => ({ cookie: owner.cookie }), 4403],
    [
      'signed-in non-member',
      async () => {
        const u = await signedInUser(h.storage, h.config, 'Stranger');
        return { origin: APP_ORIGIN, cookie: u.cookie };
      },
      4403,
    ],
    ['missing document', async () => ({ origin: APP_ORIGIN, cookie: owner.cookie, path: '/AAAAAAAAAAAAAAAAAAAAAA' }), 4404],
    ['malformed document id', async () => ({ origin: APP_ORIGIN, cookie: owner.cookie, path: '/..%2F..%2Fetc' }), 4404],
  ];

  for (const [name, setup, code] of cases) {
    it(`${name} → ${code}`, async () => {
      const { path, ...headers } = await setup();
      const r = await rawConnect(path ? h.url + path : url(), headers, hello);
      expect(r.code).toBe(code);
      expect(r.reason.length).toBeGreaterThan(0);
      expect(r.frames).toHaveLength(0);
      expect(h.server.rooms.openRooms).toBe(0);
    });
  }

  it('a y-websocket client stops retrying after a final close', async () => {
    const stranger = await signedInUser(h.storage, h.config, 'Retry');
    const c = client(h, docId, stranger.cookie);
    let attempts = 0;
    c.provider.on('status', (e: { status: string }) => {
      if (e.status === 'connecting') attempts++;
    });
    const closed = await new Promise<{ code: number }>((r) => c.provider.on('closed', (e: { code: number }) => r(e)));
    expect(closed.code).toBe(4403);
    await new Promise((r) => setTimeout(r, 1500));
    expect(attempts).toBe(0);
    expect(c.tracker.state).toMatchObject({ kind: 'error', code: 4403 });
    expect(c.text()).toBe('');
    c.destroy();
  });
});
