import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, signedInUser, startHarness, storedDoc, waitFor, type Client, type Harness } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({}, { sessionCheckMs: 200 });
});
afterAll(() => h.stop());

/** Waits for the provider's final close and returns its code, timing how long it took. */
function finalClose(c: Client): Promise<{ code: number; reason: string; at: number }> {
  return new Promise((resolve) => c.provider.on('closed', (e: { code: number; reason: string }) => resolve({ ...e, at: Date.now() })));
}

async function setup(role: 'editor' | 'viewer') {
  const owner = await signedInUser(h.storage, h.config, 'Owner');
  const other = await signedInUser(h.storage, h.config, 'Other');
  const doc = await h.storage.documents.create({ title: 'Live', ownerId: owner.user.id, now: Date.now() });
  await h.storage.members.share(doc.id, other.user.email, role, Date.now());
  await h.storage.members.acceptInvite(doc.id, other.user.id, other.user.email, Date.now());
  const co = client(h, doc.id, owner.cookie);
  const cx = client(h, doc.id, other.cookie);
  await waitFor(() => co.provider.synced && cx.provider.synced && cx.role() === role, 5000, 'synced with roles');
  return { owner, other, doc, co, cx };
}

describe('access changes reach live connections within a second', () => {
  it('a removed member is closed with 4403 and gets nothing afterwards', async () => {
    const { other, doc, co, cx } = await setup('editor');
    const closed = finalClose(cx);
    const t0 = Date.now();
    expect(await h.storage.members.remove(doc.id, other.user.id, Date.now())).toBe('ok');
    const c = await closed;
    expect(c).toMatchObject({ code: 4403, reason: 'access removed' });
    expect(c.at - t0).toBeLessThan(1000);
    co.doc.getText('t').insert(0, 'after removal');
    await waitFor(() => co.tracker.state.kind === 'saved', 5000, 'owner saved');
    await new Promise((r) => setTimeout(r, 300));
    expect(cx.text()).toBe('');
    expect(cx.tracker.state).toMatchObject({ kind: 'error', code: 4403 });
    co.destroy();
    cx.destroy();
  });

  it('editor → viewer stops applying updates at once; viewer → editor can write again', async () => {
    const { other, doc, co, cx } = await setup('editor');
    cx.doc.getText('t').insert(0, 'as editor. ');
    await waitFor(() => co.text() === 'as editor. ', 5000, 'editor write arrives');
    await h.storage.members.setRole(doc.id, other.user.id, 'viewer', Date.now());
    await waitFor(() => cx.role() === 'viewer', 1000, 'told viewer within a second');
    cx.doc.getText('t').insert(0, 'as viewer. ');
    await waitFor(() => cx.tracker.state.kind === 'error', 3000, 'refusal shown');
    expect(co.text()).toBe('as editor. ');
    expect((await storedDoc(h.storage, doc.id)).getText('t').toString()).toBe('as editor. ');

    await h.storage.members.setRole(doc.id, other.user.id, 'editor', Date.now());
    await waitFor(() => cx.role() === 'editor', 1000, 'told editor within a second');
    cx.doc.getText('t').insert(cx.doc.getText('t').length, 'editor again.');
    // The refused change goes out again too once the role allows it.
    await waitFor(() => cx.tracker.state.kind === 'saved', 5000, 'saved as editor');
    await waitFor(() => co.text() === cx.text(), 5000, 'converged');
    expect(co.text()).toBe('as viewer. as editor. editor again.');
    co.destroy();
    cx.destroy();
  });

  it('restricting or resetting the link closes the connections that came through it', async () => {
    const owner = await signedInUser(h.storage, h.config, 'LinkOwner');
    const a = await signedInUser(h.storage, h.config, 'LinkA');
    const doc = await h.storage.documents.create({ title: 'Linked', ownerId: owner.user.id, now: Date.now() });
    const { token } = await h.storage.links.setAccess(doc.id, 'editor', Date.now());
    expect(await h.storage.links.redeem(doc.id, a.user.id, token!, Date.now())).toBe('editor');
    const ca = client(h, doc.id, a.cookie);
    await waitFor(() => ca.role() === 'editor', 5000, 'joined via link');
    await h.storage.links.setAccess(doc.id, 'viewer', Date.now());
    await waitFor(() => ca.role() === 'viewer', 1000, 'link role lowered');
    const closed = finalClose(ca);
    await h.storage.links.rotate(doc.id, Date.now());
    expect(await closed).toMatchObject({ code: 4403 });
    ca.destroy();
  });

  it('withdrawing an invitation closes the invitee who had not opened it in the app yet', async () => {
    const owner = await signedInUser(h.storage, h.config, 'InvOwner');
    const guest = await signedInUser(h.storage, h.config, 'Guest');
    const doc = await h.storage.documents.create({ title: 'Invite', ownerId: owner.user.id, now: Date.now() });
    await h.storage.members.share(doc.id, guest.user.email, 'viewer', Date.now());
    const cg = client(h, doc.id, guest.cookie);
    await waitFor(() => cg.role() === 'viewer', 5000, 'joined by invitation');
    const closed = finalClose(cg);
    await h.storage.members.changeInvite(doc.id, guest.user.email, null, Date.now());
    expect(await closed).toMatchObject({ code: 4403 });
    cg.destroy();
  });

  it('deleting the document closes its connections with 4404', async () => {
    const { doc, co, cx } = await setup('viewer');
    const closed = [finalClose(co), finalClose(cx)];
    await h.storage.documents.delete(doc.id);
    expect((await Promise.all(closed)).map((c) => c.code)).toEqual([4404, 4404]);
    co.destroy();
    cx.destroy();
  });

  it('ownership transfer is announced to both people', async () => {
    const { owner, other, doc, co, cx } = await setup('editor');
    await h.storage.members.transferOwnership(doc.id, owner.user.id, other.user.id, Date.now());
    await waitFor(() => co.role() === 'editor' && cx.role() === 'owner', 1000, 'roles swapped');
    co.destroy();
    cx.destroy();
  });
});

describe('sessions on live connections', () => {
  it('logout closes that session only; signing out everywhere closes the rest', async () => {
    const u = await signedInUser(h.storage, h.config, 'Multi');
    const doc = await h.storage.documents.create({ title: 'Sessions', ownerId: u.user.id, now: Date.now() });
    const { startSession } = await import('../../lib/auth/session');
    const s2 = await startSession(h.storage, h.config, u.user.id);
    const s3 = await startSession(h.storage, h.config, u.user.id);
    const c1 = client(h, doc.id, u.cookie);
    const c2 = client(h, doc.id, `tandem_session=${s2.token}`);
    const c3 = client(h, doc.id, `tandem_session=${s3.token}`);
    await waitFor(() => [c1, c2, c3].every((c) => c.provider.synced), 5000, 'synced');
    const closed1 = finalClose(c1);
    await h.storage.sessions.revokeToken(u.token);
    // Whichever notices first, the access event or the periodic session check, closes it.
    expect(await closed1).toMatchObject({ code: 4401, reason: expect.stringMatching(/^(signed out|session expired or ended)$/) });
    await new Promise((r) => setTimeout(r, 400));
    expect([c2, c3].every((c) => c.provider.wsconnected)).toBe(true);
    const closed3 = finalClose(c3);
    await h.storage.sessions.revokeAllForUser(u.user.id, s2.session.id);
    expect(await closed3).toMatchObject({ code: 4401 });
    await new Promise((r) => setTimeout(r, 400));
    expect(c2.provider.wsconnected).toBe(true);
    [c1, c2, c3].forEach((c) => c.destroy());
  });

  it('a session that expires while connected is closed with 4401', async () => {
    const u = await signedInUser(h.storage, h.config, 'Expiring');
    const doc = await h.storage.documents.create({ title: 'Expiry', ownerId: u.user.id, now: Date.now() });
    const c = client(h, doc.id, u.cookie);
    await waitFor(() => c.provider.synced, 5000, 'synced');
    const closed = finalClose(c);
    await h.storage.sessions.setTimes(u.token, { expiresAt: Date.now() - 1 });
    expect(await closed).toMatchObject({ code: 4401, reason: 'session expired or ended' });
    c.destroy();
  });
});
