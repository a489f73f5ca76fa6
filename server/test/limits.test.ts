import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { encodeMessage } from '../../lib/protocol';
import { client, rawConnect, signedInUser, startHarness, waitFor, APP_ORIGIN, type Harness } from './helpers';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function setup(env: Record<string, string>, opts: { heartbeatMs?: number; pingMs?: number } = {}) {
  h = await startHarness(env, opts);
  const owner = await signedInUser(h.storage, h.config, 'Owner');
  const doc = await h.storage.documents.create({ title: 'Limits', ownerId: owner.user.id, now: Date.now() });
  return { h, owner, doc };
}

function open(url: string, cookie: string, extra: { autoPong?: boolean } = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { cookie, origin: APP_ORIGIN }, ...extra });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

const closed = (ws: WebSocket) => new Promise<number>((r) => ws.once('close', (code) => r(code)));

describe('room lifecycle', () => {
  it('keeps an empty room for ROOM_UNLOAD_DELAY, cancels on rejoin, then unloads', async () => {
    const { h, owner, doc } = await setup({ ROOM_UNLOAD_DELAY: '400ms' });
    const a = client(h, doc.id, owner.cookie);
    a.doc.getText('t').insert(0, 'x');
    await waitFor(() => a.tracker.state.kind === 'saved', 5000, 'saved');
    a.destroy();
    await new Promise((r) => setTimeout(r, 200));
    expect(h.server.rooms.openRooms).toBe(1);
    const b = client(h, doc.id, owner.cookie);
    await waitFor(() => b.provider.synced, 5000, 'synced');
    await new Promise((r) => setTimeout(r, 400));
    expect(h.server.rooms.openRooms).toBe(1);
    expect(b.text()).toBe('x');
    b.destroy();
    await waitFor(() => h.server.rooms.openRooms === 0, 3000, 'unloaded after the delay');
  });
});

describe('limits', () => {
  it('closes a connection that floods messages with 1008, and only that one', async () => {
    const { h, owner, doc } = await setup({ RATE_LIMIT_MESSAGES: '20' });
    const good = client(h, doc.id, owner.cookie);
    await waitFor(() => good.provider.synced, 5000, 'synced');
    const ws = await open(`${h.url}/${doc.id}`, owner.cookie);
    const code = closed(ws);
    const q = encodeMessage({ type: 'query-awareness' });
    for (let i = 0; i < 500; i++) ws.send(q);
    expect(await code).toBe(1008);
    good.doc.getText('t').insert(0, 'still here');
    await waitFor(() => good.tracker.state.kind === 'saved', 5000, 'other client unaffected');
    good.destroy();
  });

  it('refuses messages over MAX_MESSAGE_BYTES with 1009', async () => {
    const { h, owner, doc } = await setup({ MAX_MESSAGE_BYTES: '4096' });
    const big = new Y.Doc();
    big.getText('t').insert(0, 'x'.repeat(10_000));
    const r = await rawConnect(`${h.url}/${doc.id}`, { cookie: owner.cookie, origin: APP_ORIGIN }, [encodeMessage({ type: 'sync-update', update: Y.encodeStateAsUpdate(big) })]);
    expect(r.code).toBe(1009);
  });

  it('caps connections per account and per document with the final code 4429', async () => {
    const { h, owner, doc } = await setup({ MAX_CONNECTIONS_PER_USER: '2', MAX_CONNECTIONS_PER_DOCUMENT: '3' });
    const url = `${h.url}/${doc.id}`;
    const a1 = await open(url, owner.cookie);
    const a2 = await open(url, owner.cookie);
    const third = await rawConnect(url, { cookie: owner.cookie, origin: APP_ORIGIN });
    expect(third).toMatchObject({ code: 4429, reason: 'too many connections for this account' });
    const others = await Promise.all([1, 2].map((i) => signedInUser(h.storage, h.config, `Other ${i}`)));
    for (const o of others) await h.storage.members.share(doc.id, o.user.email, 'editor', Date.now());
    const b1 = await open(url, others[0].cookie);
    const full = await rawConnect(url, { cookie: others[1].cookie, origin: APP_ORIGIN });
    expect(full).toMatchObject({ code: 4429, reason: 'too many people in this document' });
    a1.close();
    await closed(a1);
    await waitFor(async () => (await rawConnect(url, { cookie: others[1].cookie, origin: APP_ORIGIN }, [], 200)).code === 1000, 3000, 'slot freed');
    a2.close();
    b1.close();
  });

  it('drops a slow consumer whose unsent data passes MAX_BUFFERED_BYTES', async () => {
    const { h, owner, doc } = await setup({ MAX_BUFFERED_BYTES: '65536' });
    const slow = await open(`${h.url}/${doc.id}`, owner.cookie);
    const gone = closed(slow);
    (slow as unknown as { _socket: { pause(): void } })._socket.pause();
    const writer = client(h, doc.id, owner.cookie);
    await waitFor(() => writer.provider.synced, 5000, 'writer synced');
    // Far more than the kernel's socket buffers absorb, so the server's own buffer must grow.
    for (let i = 0; i < 200; i++) writer.doc.getText('t').insert(0, `${i}:${'y'.repeat(64_000)}`);
    await waitFor(async () => (await h.server.metrics.closed.get()).values.some((v) => v.labels.code === 'slow_consumer'), 10_000, 'slow consumer dropped');
    await waitFor(() => writer.tracker.state.kind === 'saved', 10_000, 'writer saved');
    (slow as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await gone).toBe(1006);
    writer.destroy();
  });

  it('reaps a peer that stops answering pings', async () => {
    const { h, owner, doc } = await setup({}, { pingMs: 150 });
    const dead = await open(`${h.url}/${doc.id}`, owner.cookie, { autoPong: false });
    const alive = await open(`${h.url}/${doc.id}`, owner.cookie);
    const code = closed(dead);
    expect(await code).toBe(1006);
    await new Promise((r) => setTimeout(r, 400));
    expect(alive.readyState).toBe(WebSocket.OPEN);
    alive.close();
  });
});

describe('metrics', () => {
  it('exposes Prometheus text with connections, updates, ack latency, bytes, rejections and closes', async () => {
    const { h, owner, doc } = await setup({});
    const c = client(h, doc.id, owner.cookie);
    c.doc.getText('t').insert(0, 'measured');
    await waitFor(() => c.tracker.state.kind === 'saved', 5000, 'saved');
    await rawConnect(`${h.url}/${doc.id}`, { origin: APP_ORIGIN });
    await rawConnect(`${h.url}/${doc.id}`, { cookie: owner.cookie, origin: APP_ORIGIN }, [new Uint8Array([42])]);
    const res = await fetch(`http://127.0.0.1:${h.server.port}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    const value = (re: RegExp) => Number(re.exec(text)?.[1] ?? NaN);
    expect(value(/^tandem_connections (\d+)/m)).toBe(1);
    expect(value(/^tandem_rooms (\d+)/m)).toBe(1);
    expect(value(/^tandem_updates_total (\d+)/m)).toBeGreaterThanOrEqual(1);
    expect(value(/^tandem_ack_latency_seconds_count (\d+)/m)).toBeGreaterThanOrEqual(1);
    expect(value(/^tandem_bytes_received_total (\d+)/m)).toBeGreaterThan(0);
    expect(value(/^tandem_bytes_sent_total (\d+)/m)).toBeGreaterThan(0);
    expect(value(/^tandem_log_rows_appended_total (\d+)/m)).toBeGreaterThanOrEqual(1);
    expect(value(/^tandem_rejected_connections_total\{reason="session"\} (\d+)/m)).toBe(1);
    expect(value(/^tandem_closed_connections_total\{code="1007"\} (\d+)/m)).toBe(1);
    expect(text).toContain('tandem_process_resident_memory_bytes');
    for (const name of ['tandem_compactions_total', 'tandem_compaction_rows_folded_total', 'tandem_compaction_last_snapshot_bytes', 'tandem_compaction_queued']) {
      expect(text).toMatch(new RegExp(`^${name} \\d+`, 'm'));
    }
    expect((await fetch(`http://127.0.0.1:${h.server.port}/readyz`)).status).toBe(200);
    expect(await (await fetch(`http://127.0.0.1:${h.server.port}/healthz`)).text()).toBe('ok\n');
    c.destroy();
  });
});

describe('refusals reach the save status', () => {
  it('a change over MAX_MESSAGE_BYTES shows an error, and saving resumes once it is undone', async () => {
    const { h, owner, doc } = await setup({ MAX_MESSAGE_BYTES: '8192' });
    const c = client(h, doc.id, owner.cookie);
    await waitFor(() => c.tracker.state.kind === 'saved', 5000, 'saved');
    const t = c.doc.getText('t');
    t.insert(0, 'kept. ');
    t.insert(6, 'z'.repeat(20_000));
    await waitFor(() => c.tracker.state.kind === 'error', 5000, 'error shown');
    expect(c.tracker.state).toMatchObject({ kind: 'error', code: 1009, reason: expect.stringContaining('too large') });
    // Deleting the paste leaves a small update (the deleted text is garbage-collected).
    t.delete(6, 20_000);
    await waitFor(() => c.tracker.state.kind === 'saved', 10_000, 'saved after undoing');
    const stored = new Y.Doc();
    for (const u of await h.storage.updates.load(doc.id)) Y.applyUpdate(stored, u);
    expect(stored.getText('t').toString()).toBe('kept. ');
    c.destroy();
  });
});

describe('loading', () => {
  it('buffers frames that arrive while the document loads and applies them in order', async () => {
    // A big uncompacted log makes the load take a while (it yields between slices).
    const { h, owner, doc } = await setup({ COMPACT_AFTER_UPDATES: '100000000' });
    const seed = new Y.Doc();
    const rows: Uint8Array[] = [];
    seed.on('update', (u: Uint8Array) => rows.push(u));
    for (let i = 0; i < 20_000; i++) seed.getText('t').insert(i, 'x');
    for (let i = 0; i < rows.length; i += 5000) await h.storage.updates.append(rows.slice(i, i + 5000).map((data) => ({ documentId: doc.id, data })), Date.now());

    // Three updates, each depending on the one before: out of order, one would be refused.
    const local = new Y.Doc();
    Y.applyUpdate(local, Y.encodeStateAsUpdate(seed));
    const mine: Uint8Array[] = [];
    local.on('update', (u: Uint8Array) => mine.push(u));
    for (const word of ['one ', 'two ', 'three ']) local.getText('t').insert(0, word);
    const frames = mine.map((update) => encodeMessage({ type: 'sync-update', update }));
    const r = await new Promise<{ code: number; acks: number }>((resolve) => {
      const ws = new WebSocket(`${h.url}/${doc.id}?tandem=1`, { headers: { cookie: owner.cookie, origin: APP_ORIGIN } });
      let acks = 0;
      ws.on('open', () => frames.forEach((f) => ws.send(f)));
      ws.on('message', (d: Buffer) => {
        if (d[0] === 100) acks = d[1];
        if (acks === 3) ws.close();
      });
      ws.on('close', (code) => resolve({ code, acks }));
    });
    expect(r).toEqual({ code: 1005, acks: 3 });
    const c = client(h, doc.id, owner.cookie);
    await waitFor(() => c.provider.synced, 10_000, 'synced');
    expect(c.text().startsWith('three two one ')).toBe(true);
    expect(c.text()).toHaveLength(20_000 + 'three two one '.length);
    c.destroy();
  });
});
