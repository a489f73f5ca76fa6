import { expect, it } from 'vitest';
import type { Storage } from '.';

/** The embedding part of the storage contract (see `contract.ts`): settings, keys, token ids, sessions, tickets. */
export function embedContract(s: () => Storage, user: (p?: string) => Promise<{ id: string }>, now: number) {
    it('keeps embed settings and keys; revoking a key or changing settings records an access event', async () => {
      const owner = await user('embedder');
      const d = await s().documents.create({ title: 'Embedded', ownerId: owner.id, now });
      expect(await s().embeds.settings(d.id)).toEqual({ allowedOrigins: [], role: 'viewer' });
      const start = await s().events.lastId();
      await s().embeds.setSettings(d.id, { allowedOrigins: ['https://a.example', 'http://127.0.0.1:8080'], role: 'editor' }, now);
      await s().embeds.setSettings(d.id, { allowedOrigins: ['https://a.example'], role: 'editor' }, now + 1);
      expect(await s().embeds.settings(d.id)).toEqual({ allowedOrigins: ['https://a.example'], role: 'editor' });
      const k1 = await s().embeds.createKey(d.id, 'One', now);
      const k2 = await s().embeds.createKey(d.id, 'Two', now + 5);
      expect(k1.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const app = await s().embeds.appKey(d.id, now);
      expect((await s().embeds.appKey(d.id, now + 9)).id).toBe(app.id);
      expect(await s().embeds.listKeys(d.id)).toEqual([
        { id: k2.id, label: 'Two', createdAt: now + 5, revokedAt: null },
        { id: k1.id, label: 'One', createdAt: now, revokedAt: null },
      ]);
      expect(await s().embeds.findKey(k1.id)).toMatchObject({ documentId: d.id, secret: k1.secret, kind: 'integration' });
      expect(await s().embeds.revokeKey(d.id, k1.id, now + 7)).toBe('ok');
      expect(await s().embeds.revokeKey(d.id, k1.id, now + 8)).toBe('not_found');
      expect(await s().embeds.revokeKey(d.id, app.id, now + 8)).toBe('not_found');
      expect((await s().embeds.findKey(k1.id))?.revokedAt).toBe(now + 7);
      expect((await s().events.after(start)).map((e) => [e.kind, e.documentId])).toEqual([
        ['document', d.id],
        ['document', d.id],
        ['document', d.id],
      ]);
      await s().documents.delete(d.id, now);
      expect(await s().embeds.findKey(k2.id)).toBeUndefined();
    });

    it('uses each token id once, and keeps embed sessions and one-time tickets', async () => {
      const owner = await user('embedsess');
      const d = await s().documents.create({ title: 'Sessions', ownerId: owner.id, now });
      const k = await s().embeds.createKey(d.id, 'K', now);
      expect(await s().embeds.consumeJti(k.id, 'jti-1', now + 60_000, now)).toBe(true);
      expect(await s().embeds.consumeJti(k.id, 'jti-1', now + 60_000, now)).toBe(false);
      expect(await s().embeds.consumeJti(k.id, 'jti-2', now + 60_000, now)).toBe(true);
      // Ids of expired tokens are forgotten (their tokens fail the expiry check anyway).
      expect(await s().embeds.consumeJti(k.id, 'jti-1', now + 200_000, now + 120_000)).toBe(true);
      await s().embeds.setSettings(d.id, { allowedOrigins: ['https://a.example'], role: 'editor' }, now);
      const cookie = 'embed-cookie'.padEnd(43, 'c');
      const sess = await s().embeds.createSession({ documentId: d.id, keyId: k.id, userId: null, role: 'viewer', name: 'Vis', sub: 'v1', origin: 'https://a.example', token: cookie, now, ttlMs: 1000 });
      expect(sess).toMatchObject({ documentId: d.id, role: 'viewer', expiresAt: now + 1000 });
      const state = await s().embeds.stateByToken(cookie);
      expect(state).toEqual({ session: sess, keyRevoked: false, settings: { allowedOrigins: ['https://a.example'], role: 'editor' } });
      expect(await s().embeds.stateByToken('other'.padEnd(43, 'x'))).toBeUndefined();
      const t = await s().embeds.createTicket(sess.id, now, 500);
      expect(await s().embeds.redeemTicket(t, now + 501)).toBeUndefined();
      const t2 = await s().embeds.createTicket(sess.id, now, 500);
      expect(await s().embeds.redeemTicket(t2, now + 1)).toBe(sess.id);
      expect(await s().embeds.redeemTicket(t2, now + 1)).toBeUndefined();
      await s().embeds.revokeKey(d.id, k.id, now);
      expect((await s().embeds.stateById(sess.id))?.keyRevoked).toBe(true);
      await s().embeds.endSession(sess.id);
      expect(await s().embeds.stateById(sess.id)).toBeUndefined();
    });
}
