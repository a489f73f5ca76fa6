import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { embedCookieName } from '../../lib/embed/cookie';
import { exchangeEmbedToken } from '../../lib/embed/exchange';
import { mintEmbedToken } from '../../lib/embed/tokens';
import { connectDocument } from '../../lib/client/provider';
import { EMBED_SUBPROTOCOL, TICKET_SUBPROTOCOL_PREFIX, decodeMessage } from '../../lib/protocol';
import { APP_ORIGIN, client, signedInUser, startHarness, waitFor, type Harness } from './helpers';

const HOST = 'https://host.example';
let h: Harness;
beforeAll(async () => {
  h = await startHarness({}, { sessionCheckMs: 200 });
});
afterAll(() => h.stop());

/** An owner, a document embeddable on HOST with `role`, and a key. */
async function embeddable(role: 'editor' | 'viewer' = 'editor') {
  const owner = await signedInUser(h.storage, h.config, 'Owner');
  const doc = await h.storage.documents.create({ title: 'Embedded', ownerId: owner.user.id, now: Date.now() });
  await h.storage.embeds.setSettings(doc.id, { allowedOrigins: [HOST], role }, Date.now());
  const key = await h.storage.embeds.createKey(doc.id, 'k', Date.now());
  return { owner, doc, key };
}

/** Exchanges a fresh token as the frame would; returns the cookie value and the first ticket. */
async function session(documentId: string, key: { id: string; secret: string }, name = 'Visitor', role: 'editor' | 'viewer' = 'editor') {
  const token = await mintEmbedToken({ keyId: key.id, secret: key.secret, documentId, role, name, sub: name.toLowerCase(), origin: HOST });
  const r = await exchangeEmbedToken(h.storage, { documentId, token, origin: HOST, now: Date.now() });
  if (!r.ok) throw new Error(`exchange failed: ${r.reason}`);
  return { cookie: `${embedCookieName(documentId)}=${r.cookieValue}`, ticket: r.ticket, session: r.session };
}

/** A real y-websocket client as the frame runs it: `?embed=1`, cookie and/or ticket. */
function embedClient(documentId: string, o: { cookie?: string; ticket?: string }) {
  const doc = new Y.Doc();
  const tickets: string[] = [];
  class Sock extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers: { origin: APP_ORIGIN, ...(o.cookie && { cookie: o.cookie }) } });
    }
  }
  const conn = connectDocument({
    url: h.url,
    documentId,
    doc,
    Socket: Sock as unknown as new (url: string, p?: string | string[]) => globalThis.WebSocket,
    embed: { ticket: o.ticket ?? 'x'.repeat(43), onTicket: (t) => tickets.push(t) },
  });
  return Object.assign(conn, { doc, tickets, text: () => doc.getText('t').toString() });
}

/** Opens a bare embed socket and returns how it ended and which subprotocol was selected. */
function rawEmbed(documentId: string, o: { cookie?: string; protocols?: string[]; query?: string }, waitMs = 800) {
  return new Promise<{ code: number; reason: string; protocol: string; frames: Uint8Array[] }>((resolve, reject) => {
    const ws = new WebSocket(`${h.url}/${documentId}?${o.query ?? 'tandem=1&embed=1'}`, o.protocols ?? [EMBED_SUBPROTOCOL], {
      headers: { origin: APP_ORIGIN, ...(o.cookie && { cookie: o.cookie }) },
    });
    const frames: Uint8Array[] = [];
    const timer = setTimeout(() => ws.close(1000), waitMs);
    ws.on('message', (d: Buffer) => frames.push(new Uint8Array(d)));
    ws.on('close', (code, reason) => {
      clearTimeout(timer);
      resolve({ code, reason: reason.toString(), protocol: ws.protocol, frames });
    });
    ws.on('error', reject);
  });
}

const finalClose = (c: { provider: { on(e: 'closed', f: (e: { code: number; reason: string }) => void): void } }) =>
  new Promise<{ code: number; reason: string }>((resolve) => c.provider.on('closed', resolve));

describe('embed sessions on the collaboration server', () => {
  it('accepts the session cookie, stamps awareness with the token name, and converges with an app user', async () => {
    const { owner, doc, key } = await embeddable();
    const { cookie } = await session(doc.id, key, 'Ada Visitor');
    const visitor = embedClient(doc.id, { cookie });
    const member = client(h, doc.id, owner.cookie);
    await waitFor(() => visitor.provider.synced && member.provider.synced, 5000, 'both synced');
    expect(visitor.role()).toBe('editor');
    expect(visitor.tickets).toEqual([]); // cookie path: no ticket needed
    visitor.provider.awareness.setLocalStateField('user', { name: 'Owner', id: owner.user.id });
    await waitFor(() => member.provider.awareness.getStates().get(visitor.doc.clientID)?.user?.name === 'Ada Visitor', 5000, 'stamped name');
    expect(member.provider.awareness.getStates().get(visitor.doc.clientID)?.user.id).toBe(`embed:${key.id}:ada visitor`);
    visitor.doc.getText('t').insert(0, 'from the embed. ');
    member.doc.getText('t').insert(0, 'from the app. ');
    await waitFor(() => visitor.text() === member.text() && visitor.text().length === 30, 5000, 'converged');
    await waitFor(() => visitor.tracker.state.kind === 'saved', 5000, 'embed edit saved');
    visitor.destroy();
    member.destroy();
  });

  it('accepts a one-time ticket when there is no cookie, sends the next ticket, and refuses a reused one', async () => {
    const { doc, key } = await embeddable();
    const { ticket } = await session(doc.id, key);
    const ok = await rawEmbed(doc.id, { protocols: [EMBED_SUBPROTOCOL, TICKET_SUBPROTOCOL_PREFIX + ticket] });
    expect(ok.protocol).toBe(EMBED_SUBPROTOCOL); // the ticket itself is never echoed
    const next = ok.frames.map((f) => decodeMessage(f)).find((m) => m.type === 'ticket');
    expect(next).toMatchObject({ type: 'ticket', ticket: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(ok.frames.some((f) => decodeMessage(f).type === 'sync-step1')).toBe(true);
    const again = await rawEmbed(doc.id, { protocols: [EMBED_SUBPROTOCOL, TICKET_SUBPROTOCOL_PREFIX + ticket] });
    expect(again).toMatchObject({ code: 4401, frames: [] });
    // The client follows the ticket chain across reconnects.
    const c = embedClient(doc.id, { ticket: (next as { ticket: string }).ticket });
    await waitFor(() => c.provider.synced && c.tickets.length === 1, 5000, 'ticket client synced');
    c.provider.disconnect();
    c.provider.connect();
    await waitFor(() => c.provider.synced && c.tickets.length === 2, 5000, 'reconnected with the next ticket');
    c.destroy();
  });

  it('refuses without a session, with an account cookie, with another document’s session, and keeps embed sessions off the account path', async () => {
    const { owner, doc, key } = await embeddable();
    const other = await embeddable();
    expect(await rawEmbed(doc.id, {})).toMatchObject({ code: 4401, frames: [] });
    expect(await rawEmbed(doc.id, { cookie: owner.cookie })).toMatchObject({ code: 4401, frames: [] });
    const theirs = await session(other.doc.id, other.key);
    // Their cookie is named for their document; renamed for this one it matches no session of it.
    expect(await rawEmbed(doc.id, { cookie: `${embedCookieName(doc.id)}=${theirs.cookie.split('=')[1]}` })).toMatchObject({ code: 4403, frames: [] });
    expect(await rawEmbed(doc.id, { protocols: [EMBED_SUBPROTOCOL, TICKET_SUBPROTOCOL_PREFIX + theirs.ticket] })).toMatchObject({ code: 4403, frames: [] });
    const mine = await session(doc.id, key);
    expect(await rawEmbed(doc.id, { cookie: mine.cookie, query: 'tandem=1' })).toMatchObject({ code: 4401, frames: [] });
  });

  it('enforces the embedded role: a viewer’s edits are refused, and a role change applies live', async () => {
    const { owner, doc, key } = await embeddable('viewer');
    const { cookie } = await session(doc.id, key);
    const visitor = embedClient(doc.id, { cookie });
    const member = client(h, doc.id, owner.cookie);
    await waitFor(() => visitor.provider.synced && visitor.role() === 'viewer' && member.provider.synced, 5000, 'synced as viewer');
    visitor.doc.getText('t').insert(0, 'nope');
    await waitFor(() => visitor.tracker.state.kind === 'error', 3000, 'refused');
    expect(member.text()).toBe('');
    await h.storage.embeds.setSettings(doc.id, { allowedOrigins: [HOST], role: 'editor' }, Date.now());
    await waitFor(() => visitor.role() === 'editor', 1000, 'promoted within a second');
    visitor.doc.getText('t').insert(4, ', yes');
    // The refused change goes out again with the next one once the role allows it.
    await waitFor(() => member.text() === 'nope, yes', 5000, 'edits arrive as editor');
    visitor.destroy();
    member.destroy();
  });

  it('closes embed sockets when the key is revoked, the origin removed, or the document deleted', async () => {
    const a = await embeddable();
    const sa = await session(a.doc.id, a.key);
    const va = embedClient(a.doc.id, { cookie: sa.cookie });
    const b = await embeddable();
    const vb = embedClient(b.doc.id, { cookie: (await session(b.doc.id, b.key)).cookie });
    const c = await embeddable();
    const vc = embedClient(c.doc.id, { cookie: (await session(c.doc.id, c.key)).cookie });
    await waitFor(() => va.provider.synced && vb.provider.synced && vc.provider.synced, 5000, 'all synced');
    const [ca, cb, cc] = [finalClose(va), finalClose(vb), finalClose(vc)];
    await h.storage.embeds.revokeKey(a.doc.id, a.key.id, Date.now());
    await h.storage.embeds.setSettings(b.doc.id, { allowedOrigins: ['https://other.example'], role: 'editor' }, Date.now());
    await h.storage.documents.delete(c.doc.id, Date.now());
    expect(await ca).toEqual({ code: 4403, reason: 'integration key revoked' });
    expect(await cb).toEqual({ code: 4403, reason: 'this site may no longer embed the document' });
    expect(await cc).toMatchObject({ code: 4404 });
    // Reconnecting with the same session is refused just the same, before any byte of the document.
    expect(await rawEmbed(a.doc.id, { cookie: sa.cookie })).toMatchObject({ code: 4403, reason: 'integration key revoked', frames: [] });
    for (const v of [va, vb, vc]) v.destroy();
  });

  it('closes an expired embed session with 4401 at the periodic check', async () => {
    const { doc, key } = await embeddable();
    const s = await session(doc.id, key);
    const v = embedClient(doc.id, { cookie: s.cookie });
    await waitFor(() => v.provider.synced, 5000, 'synced');
    const closed = finalClose(v);
    await h.storage.embeds.endSession(s.session.id);
    expect(await closed).toEqual({ code: 4401, reason: 'embed session ended' });
    v.destroy();
  });

  it("a Tandem account's embed session follows the account's access", async () => {
    const { owner, doc } = await embeddable();
    const friend = await signedInUser(h.storage, h.config, 'Friend');
    await h.storage.members.share(doc.id, friend.user.email, 'editor', Date.now());
    await h.storage.members.acceptInvite(doc.id, friend.user.id, friend.user.email, Date.now());
    const app = await h.storage.embeds.appKey(doc.id, Date.now());
    const token = await mintEmbedToken({ keyId: app.id, secret: app.secret, documentId: doc.id, role: 'editor', name: 'Friend', sub: friend.user.id, origin: HOST });
    const r = await exchangeEmbedToken(h.storage, { documentId: doc.id, token, origin: HOST, now: Date.now() });
    if (!r.ok) throw new Error(r.reason);
    const v = embedClient(doc.id, { cookie: `${embedCookieName(doc.id)}=${r.cookieValue}` });
    const member = client(h, doc.id, owner.cookie);
    await waitFor(() => v.provider.synced && member.provider.synced, 5000, 'synced');
    await waitFor(() => member.provider.awareness.getStates().get(v.doc.clientID) !== undefined || (v.provider.awareness.setLocalStateField('x', 1), false), 5000, 'visible');
    expect(member.provider.awareness.getStates().get(v.doc.clientID)?.user).toMatchObject({ name: 'Friend', id: friend.user.id });
    const closed = finalClose(v);
    await h.storage.members.remove(doc.id, friend.user.id, Date.now());
    expect(await closed).toEqual({ code: 4403, reason: 'access removed' });
    v.destroy();
    member.destroy();
  });
});
