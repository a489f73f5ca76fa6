import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isForeignKeyViolation, type Storage } from '.';
import { embedContract } from './contract-embed';
import { historyContract } from './contract-history';
import { logContract } from './contract-log';

/**
 * The storage contract: every backend must pass these. Call it from a test file per backend
 * with a function that opens a fresh, migrated, empty database, and (for a backend where
 * several processes write at once) one that opens a second connection to that same database,
 * as another server process would. SQLite has no such second writer here: two connections in
 * one thread would wait on each other's locks synchronously.
 */
export function storageContract(backend: string, open: () => Promise<Storage>, openAnother?: (first: Storage) => Promise<Storage>) {
  describe(`storage contract: ${backend}`, () => {
    let s: Storage;
    const now = 1_700_000_000_000;
    let seq = 0;
    const email = (p: string) => `${p}.${++seq}@example.test`;
    const user = async (p = 'u') => (await s.users.create({ email: email(p), name: p, passwordHash: 'h', now }))!;

    beforeAll(async () => {
      s = await open();
    });
    afterAll(async () => {
      await s.close();
    });

    it('creates users with normalised, unique emails', async () => {
      const e = email('Mixed.Case');
      const u = await s.users.create({ email: `  ${e.toUpperCase()} `, name: 'M', passwordHash: 'h', now });
      expect(u?.email).toBe(e.toLowerCase());
      expect(await s.users.create({ email: e, name: 'again', passwordHash: 'h', now })).toBeNull();
      expect((await s.users.findByEmail(e.toUpperCase()))?.id).toBe(u!.id);
      expect(await s.users.findById(u!.id)).toEqual({ id: u!.id, email: e.toLowerCase(), name: 'M' });
    });

    it('resolves sessions until their idle or absolute expiry, and revokes them', async () => {
      const u = await user();
      const idle = 60_000;
      await s.sessions.create({ userId: u.id, token: 'tok-a'.padEnd(43, 'a'), now, maxAgeMs: 10 * idle });
      const token = 'tok-a'.padEnd(43, 'a');
      expect((await s.sessions.resolve(token, now + 1000, idle))?.user.id).toBe(u.id);
      // Used within the idle window, it stays alive past the first idle period...
      expect(await s.sessions.resolve(token, now + idle - 1, idle)).toBeDefined();
      expect(await s.sessions.resolve(token, now + 2 * idle - 2, idle)).toBeDefined();
      // ...but not past the absolute expiry, however active.
      expect(await s.sessions.resolve(token, now + 10 * idle, idle)).toBeUndefined();
      expect(await s.sessions.resolve(token, now + 1000, idle)).toBeUndefined();

      const t2 = 'tok-b'.padEnd(43, 'b');
      await s.sessions.create({ userId: u.id, token: t2, now, maxAgeMs: 10 * idle });
      expect(await s.sessions.resolve(t2, now + idle + 1, idle)).toBeUndefined();

      const t3 = 'tok-c'.padEnd(43, 'c');
      await s.sessions.create({ userId: u.id, token: t3, now, maxAgeMs: 10 * idle });
      await s.sessions.revokeToken(t3);
      expect(await s.sessions.resolve(t3, now, idle)).toBeUndefined();
      const t4 = 'tok-d'.padEnd(43, 'd');
      await s.sessions.create({ userId: u.id, token: t4, now, maxAgeMs: 10 * idle });
      await s.sessions.revokeAllForUser(u.id);
      expect(await s.sessions.resolve(t4, now, idle)).toBeUndefined();
    });

    it('lists documents with roles and sharing, newest first, and reports access', async () => {
      const owner = await user('owner');
      const other = await user('other');
      const d1 = await s.documents.create({ title: 'First', ownerId: owner.id, now });
      const d2 = await s.documents.create({ title: 'Second', ownerId: owner.id, now: now + 10 });
      await s.members.share(d1.id, other.email, 'viewer', now);
      expect((await s.documents.listForUser(owner.id)).map((d) => [d.title, d.role, d.sharing])).toEqual([
        ['Second', 'owner', { people: 0, link: 'restricted' }],
        ['First', 'owner', { people: 1, link: 'restricted' }],
      ]);
      expect(await s.documents.listForUser(other.id)).toEqual([{ id: d1.id, title: 'First', role: 'viewer', updatedAt: now, sharing: { people: 1, link: 'restricted' } }]);
      expect(await s.documents.access(d1.id, other.id)).toMatchObject({ role: 'viewer', via: 'invite' });
      expect(await s.documents.access(d2.id, other.id)).toMatchObject({ role: null, via: null });
      expect(await s.documents.access('missing-document-id', other.id)).toBeUndefined();
      await s.documents.rename(d2.id, 'Renamed', now + 20);
      expect(await s.documents.find(d2.id)).toMatchObject({ title: 'Renamed', updatedAt: now + 20, linkAccess: 'restricted' });
    });

    it('shares by invitation that never reveals an account, and turns it into a membership on open', async () => {
      const owner = await user('own');
      const ed = await user('ed');
      const d = await s.documents.create({ title: 'Shared', ownerId: owner.id, now });
      const nobody = email('nobody');
      expect(await s.members.share(d.id, ed.email, 'viewer', now)).toBe('ok');
      expect(await s.members.share(d.id, nobody, 'viewer', now)).toBe('ok');
      expect(await s.members.share(d.id, owner.email.toUpperCase(), 'viewer', now)).toBe('owner');
      // An existing account and an unknown email look the same until the invitation is opened.
      const pending = (await s.members.list(d.id)).filter((m) => m.pending);
      expect(pending).toEqual([
        { userId: null, email: ed.email, name: null, role: 'viewer', pending: true },
        { userId: null, email: nobody, name: null, role: 'viewer', pending: true },
      ]);
      expect(await s.members.share(d.id, ed.email, 'editor', now)).toBe('ok');
      expect(await s.documents.access(d.id, ed.id)).toMatchObject({ role: 'editor', via: 'invite' });
      await s.members.acceptInvite(d.id, ed.id, ed.email, now);
      expect(await s.members.role(d.id, ed.id)).toBe('editor');
      expect(await s.documents.access(d.id, ed.id)).toMatchObject({ role: 'editor', via: 'member' });
      expect((await s.members.list(d.id)).map((m) => [m.email, m.name, m.role, m.pending])).toEqual([
        [owner.email, 'own', 'owner', false],
        [ed.email, 'ed', 'editor', false],
        [nobody, null, 'viewer', true],
      ]);
      // Sharing with a member changes their role instead of inviting them again.
      expect(await s.members.share(d.id, ed.email, 'viewer', now)).toBe('ok');
      expect(await s.members.role(d.id, ed.id)).toBe('viewer');
      expect(await s.members.changeInvite(d.id, nobody, 'editor', now)).toBe('ok');
      expect(await s.members.changeInvite(d.id, nobody, null, now)).toBe('ok');
      expect(await s.members.changeInvite(d.id, nobody, null, now)).toBe('not_found');
    });

    it('lists pending invitations editors first, in the same order on every call when shared in the same millisecond', async () => {
      const owner = await user('lister');
      const d = await s.documents.create({ title: 'Listed', ownerId: owner.id, now });
      const [v1, e1, v2] = [email('zed'), email('mid'), email('abe')];
      for (const [e, role] of [[v1, 'viewer'], [e1, 'editor'], [v2, 'viewer']] as const) await s.members.share(d.id, e, role, now);
      const listed = (await s.members.list(d.id)).map((m) => [m.email, m.role]);
      expect(listed).toEqual([
        [owner.email, 'owner'],
        [e1, 'editor'],
        [v2, 'viewer'],
        [v1, 'viewer'],
      ]);
    });

    it('records edit marks, keeping the latest time per document and account, as versions read them', async () => {
      const owner = await user('marker');
      const d = await s.documents.create({ title: 'Marked', ownerId: owner.id, now });
      const [u1, u2] = [await user('m1'), await user('m2')];
      const first = await s.versions.create({ documentId: d.id, kind: 'auto', name: null, data: new Uint8Array([0, 0]), createdBy: null, now: now + 2000 });
      expect(first.editors).toEqual([]);
      await s.versions.markEditedMany([
        { documentId: d.id, userId: u1.id, at: now + 1500 },
        { documentId: d.id, userId: u2.id, at: now + 2500 },
      ]);
      // A later mark of the same account moves its time: u1 edited after the first version too.
      await s.versions.markEditedMany([{ documentId: d.id, userId: u1.id, at: now + 2600 }]);
      const second = await s.versions.create({ documentId: d.id, kind: 'auto', name: null, data: new Uint8Array([0, 0]), createdBy: null, now: now + 3000 });
      expect(second.editors.map((e) => e.id).sort()).toEqual([u1.id, u2.id].sort());
    });

    it('changes roles, removes members and transfers ownership, never demoting the owner by accident', async () => {
      const owner = await user('boss');
      const a = await user('a');
      const d = await s.documents.create({ title: 'Team', ownerId: owner.id, now });
      await s.members.share(d.id, a.email, 'viewer', now);
      await s.members.acceptInvite(d.id, a.id, a.email, now);
      expect(await s.members.setRole(d.id, a.id, 'editor', now)).toBe('ok');
      expect(await s.members.role(d.id, a.id)).toBe('editor');
      expect(await s.members.setRole(d.id, owner.id, 'viewer', now)).toBe('owner');
      expect(await s.members.remove(d.id, owner.id, now)).toBe('owner');
      expect(await s.members.setRole(d.id, 'nobody-at-all', 'viewer', now)).toBe('not_found');
      expect(await s.members.transferOwnership(d.id, owner.id, a.id, now)).toBe('ok');
      expect([await s.members.role(d.id, owner.id), await s.members.role(d.id, a.id)]).toEqual(['editor', 'owner']);
      expect(await s.members.remove(d.id, owner.id, now)).toBe('ok');
      expect(await s.documents.access(d.id, owner.id)).toMatchObject({ role: null });
    });

    it('resolves a session and its access to one document in one query, as the two separate checks do', async () => {
      const idle = 60_000;
      const owner = await user('sa-owner');
      const guest = await user('sa-guest');
      const stranger = await user('sa-stranger');
      const d = await s.documents.create({ title: 'Both', ownerId: owner.id, now });
      await s.members.share(d.id, guest.email, 'editor', now); // an invitation to the guest's email
      const linked = await s.documents.create({ title: 'Linked', ownerId: owner.id, now });
      const link = await s.links.setAccess(linked.id, 'viewer', now);
      await s.links.redeem(linked.id, stranger.id, link.token!, now);
      const tokens = new Map<string, string>();
      for (const [i, u] of [owner, guest, stranger].entries()) {
        const token = `sa-${i}`.padEnd(43, 'z');
        await s.sessions.create({ userId: u.id, token, now, maxAgeMs: 10 * idle });
        tokens.set(u.id, token);
      }
      for (const u of [owner, guest, stranger]) {
        for (const doc of [d.id, linked.id, 'missing-document-id']) {
          const token = tokens.get(u.id)!;
          const both = await s.sessionAccess.resolve(token, doc, now + 1000, idle);
          expect(both?.session).toEqual(await s.sessions.resolve(token, now + 1000, idle));
          expect(both?.access).toEqual(await s.documents.access(doc, u.id));
        }
      }
      expect((await s.sessionAccess.resolve(tokens.get(owner.id)!, d.id, now, idle))?.access).toMatchObject({ role: 'owner', via: 'member' });
      expect((await s.sessionAccess.resolve(tokens.get(guest.id)!, d.id, now, idle))?.access).toMatchObject({ role: 'editor', via: 'invite' });
      expect((await s.sessionAccess.resolve(tokens.get(stranger.id)!, linked.id, now, idle))?.access).toMatchObject({ role: 'viewer', via: 'link' });
      expect((await s.sessionAccess.resolve(tokens.get(stranger.id)!, d.id, now, idle))?.access).toMatchObject({ role: null, via: null });
      expect(await s.sessionAccess.resolve('unknown'.padEnd(43, 'q'), d.id, now, idle)).toBeUndefined();
      // Past its idle timeout the session is gone, and stays gone.
      expect(await s.sessionAccess.resolve(tokens.get(guest.id)!, d.id, now + 1000 + idle, idle)).toBeUndefined();
      expect(await s.sessions.resolve(tokens.get(guest.id)!, now + 1000, idle)).toBeUndefined();
    });

    it('gives access through the current link only, and takes it back when the link is reset or restricted', async () => {
      const owner = await user('linker');
      const visitor = await user('visitor');
      const d = await s.documents.create({ title: 'Link', ownerId: owner.id, now });
      expect(await s.links.get(d.id)).toEqual({ access: 'restricted', token: null });
      const on = await s.links.setAccess(d.id, 'editor', now);
      expect(on.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(await s.links.redeem(d.id, visitor.id, 'wrong'.padEnd(43, 'x'), now)).toBeNull();
      expect(await s.links.redeem(d.id, visitor.id, on.token!, now)).toBe('editor');
      expect(await s.documents.access(d.id, visitor.id)).toMatchObject({ role: 'editor', via: 'link' });
      expect((await s.documents.listForUser(visitor.id)).map((x) => [x.id, x.role])).toEqual([[d.id, 'editor']]);
      await s.links.setAccess(d.id, 'viewer', now);
      expect((await s.documents.access(d.id, visitor.id))?.role).toBe('viewer');
      await s.links.setAccess(d.id, 'restricted', now);
      expect((await s.documents.access(d.id, visitor.id))?.role).toBeNull();
      expect(await s.documents.listForUser(visitor.id)).toEqual([]);
      const again = await s.links.setAccess(d.id, 'viewer', now);
      expect(again.token).toBe(on.token);
      const rotated = await s.links.rotate(d.id, now);
      expect(rotated.token).not.toBe(on.token);
      expect((await s.documents.access(d.id, visitor.id))?.role).toBeNull();
      expect(await s.links.redeem(d.id, visitor.id, on.token!, now)).toBeNull();
    });

    it('records an access event for every change live connections must follow', async () => {
      const owner = await user('ev');
      const m = await user('evm');
      const start = await s.events.lastId();
      const d = await s.documents.create({ title: 'Events', ownerId: owner.id, now });
      await s.members.share(d.id, m.email, 'viewer', now);
      await s.members.acceptInvite(d.id, m.id, m.email, now);
      await s.members.setRole(d.id, m.id, 'editor', now);
      await s.links.setAccess(d.id, 'viewer', now);
      await s.links.rotate(d.id, now);
      await s.members.remove(d.id, m.id, now);
      const token = 'ev-session'.padEnd(43, 'e');
      const sess = await s.sessions.create({ userId: m.id, token, now, maxAgeMs: 60_000 });
      await s.sessions.revokeToken(token, now);
      await s.sessions.revokeAllForUser(owner.id, 'keep-this-one', now);
      await s.documents.delete(d.id, now);
      const events = await s.events.after(start);
      expect(events.map((e) => [e.kind, e.documentId, e.userId, e.sessionId])).toEqual([
        ['document', d.id, null, null],
        ['document', d.id, null, null],
        ['document', d.id, null, null],
        ['document', d.id, null, null],
        ['document', d.id, null, null],
        ['session', null, null, sess.id],
        ['user-sessions', null, owner.id, 'keep-this-one'],
        ['deleted', d.id, null, null],
      ]);
      expect(events.every((e, i) => i === 0 || e.id > events[i - 1].id)).toBe(true);
      await s.events.prune(now + 1);
      expect(await s.events.after(start)).toEqual([]);
    });

    embedContract(() => s, user, now);

    it('tells which sessions are still live and refreshes the active ones', async () => {
      const u = await user('live');
      const idle = 60_000;
      const a = await s.sessions.create({ userId: u.id, token: 'live-a'.padEnd(43, 'a'), now, maxAgeMs: 10 * idle });
      const b = await s.sessions.create({ userId: u.id, token: 'live-b'.padEnd(43, 'b'), now, maxAgeMs: 10 * idle });
      expect(await s.sessions.stillLive([a.id, b.id, 'gone'], new Set([a.id]), now + idle - 1, idle)).toEqual(new Set([a.id, b.id]));
      // a was active and refreshed; b was idle and now lapses.
      expect(await s.sessions.stillLive([a.id, b.id], new Set(), now + idle + 1, idle)).toEqual(new Set([a.id]));
      expect(await s.sessions.stillLive([a.id], new Set([a.id]), now + 10 * idle, idle)).toEqual(new Set());
    });

    it('appends updates in order, moves updated_at, and deletes them with the document', async () => {
      const owner = await user();
      const d = await s.documents.create({ title: 'Log', ownerId: owner.id, now });
      const chunks = Array.from({ length: 50 }, (_, i) => new Uint8Array([i, i + 1, 255]));
      await s.updates.append(chunks.slice(0, 20).map((data) => ({ documentId: d.id, data })), now + 5);
      await s.updates.append(chunks.slice(20).map((data) => ({ documentId: d.id, data })), now + 6);
      const loaded = await s.updates.load(d.id);
      expect(loaded.map((u) => [...u])).toEqual(chunks.map((c) => [...c]));
      expect((await s.documents.find(d.id))?.updatedAt).toBe(now + 6);
      await s.documents.delete(d.id);
      expect(await s.updates.load(d.id)).toEqual([]);
      expect(await s.documents.find(d.id)).toBeUndefined();
      await expect(s.updates.append([{ documentId: d.id, data: new Uint8Array([1]) }], now)).rejects.toSatisfy(isForeignKeyViolation);
    });

    logContract(() => s, user, now);
    historyContract(() => s, user, now, openAnother);
  });
}