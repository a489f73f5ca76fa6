import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { decodeMessage, encodeMessage } from '../../lib/protocol';
import { openStorage, type Storage } from '../../lib/storage';
import { AppendWorker } from '../append-client';
import { CompactionScheduler } from '../compaction/scheduler';
import { CompactionWorker } from '../compaction/worker-client';
import type { Peer } from '../peer';
import { RoomRegistry } from '../rooms';
import { UpdateWriter } from '../writer';
import { watched, type LoopReport } from './event-loop';
import type { SeedResult } from './seed-trace';
import { B4_TRACE, TRACE_TEXT, requireTraces } from './traces';

const run = promisify(execFile);

/** The event loop may be blocked for at most this long, before, during and after compaction. */
const MAX_BLOCK_MS = 50;
const B4_EDITS = 259_778;

const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-b4-')), 'b4.db');
let storage: Storage;
afterAll(() => storage?.close());

async function newDocument(title: string) {
  const u = (await storage.users.create({ email: `${title}.${Date.now()}@example.test`, name: title, passwordHash: 'h', now: Date.now() }))!;
  return storage.documents.create({ title, ownerId: u.id, now: Date.now() });
}

/**
 * Puts every B4 edit as its own row in the update log of a new document, in a child process
 * (see seed-trace.ts): the trace and its 259,778 updates are hundreds of MB of garbage that
 * would otherwise be collected in this process while it measures pauses.
 */
async function seedB4(): Promise<{ documentId: string; endContent: string; lastId: number; seedMs: number }> {
  const start = performance.now();
  const d = await newDocument('B4');
  requireTraces();
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'server/test/seed-trace.ts', file, d.id, B4_TRACE], {
    cwd: new URL('../..', import.meta.url).pathname,
    maxBuffer: 64 * 1024 * 1024,
  });
  const seeded = JSON.parse(stdout) as SeedResult;
  // The replay itself must be right before its result means anything.
  expect(seeded.replayMatches).toBe(true);
  expect(seeded.rows).toBe(B4_EDITS);
  return { documentId: d.id, endContent: seeded.endContent, lastId: seeded.lastId, seedMs: performance.now() - start };
}

/**
 * An editor typing into another document through the same registry and writer while the
 * compaction runs, so the append worker's commits contend with the compaction worker's for
 * SQLite's write lock and the disk, as in the server.
 */
async function liveEditor(registry: RoomRegistry, documentId: string) {
  let acked = 0;
  let sent = 0;
  const sentAt: number[] = [];
  const ackMs: number[] = [];
  const peer: Peer = {
    id: 'live',
    identity: { userId: 'live', name: 'Live', color: '#000' },
    role: 'editor',
    extensions: true,
    send(frame) {
      const m = decodeMessage(frame);
      if (m.type !== 'ack') return;
      for (let k = acked; k < m.count; k++) if (sentAt[k] !== undefined) ackMs.push(performance.now() - sentAt[k]);
      acked = m.count;
    },
    close() {},
  };
  const room = await registry.join(documentId, peer);
  const src = new Y.Doc();
  src.on('update', (update: Uint8Array) => {
    sentAt[sent] = performance.now();
    sent += 1;
    room.receive(peer, encodeMessage({ type: 'sync-update', update }));
  });
  const text = src.getText(TRACE_TEXT);
  const timer = setInterval(() => text.insert(text.length, String.fromCharCode(97 + (sent % 26))), 5);
  return {
    text: () => text.toString(),
    async stop() {
      clearInterval(timer);
      while (acked < sent) await new Promise((r) => setTimeout(r, 5));
      registry.leave(room, peer);
      ackMs.sort((a, b) => a - b);
      const at = (q: number) => ackMs[Math.min(ackMs.length - 1, Math.floor(q * ackMs.length))];
      return { edits: sent, acked, ackP50: at(0.5), ackP99: at(0.99), ackMax: ackMs[ackMs.length - 1] };
    },
  };
}

function storedText(state: { snapshot: { updates: Uint8Array[] } | null; tail: Uint8Array[] }): string {
  const d = new Y.Doc();
  for (const u of state.snapshot?.updates ?? []) Y.applyUpdate(d, u);
  for (const u of state.tail) Y.applyUpdate(d, u);
  return d.getText(TRACE_TEXT).toString();
}

const ms = (n: number) => `${n.toFixed(1)} ms`;
const loop = (l: LoopReport) => `max event-loop delay ${ms(l.maxDelayMs)} (histogram, 10 ms resolution), max timer lag ${ms(l.maxLagMs)}, over ${ms(l.durationMs)}`;

describe('compaction of the B4 trace (259,778 single-character edits)', () => {
  it('folds the whole log in the worker without blocking the event loop, and loads either way without blocking it', async () => {
    storage = await openStorage({ sqliteFile: file });
    const seeded = await seedB4();
    const { documentId, endContent } = seeded;
    const other = await newDocument('live');

    // The scheduler logs one record per compaction; the B4 document's is the one measured.
    const records: { msg: string; doc?: string; rows?: number; foldMs?: number; maxWriteMs?: number; ms?: number; snapshotBytes?: number }[] = [];
    const log = pino({ level: 'info' }, { write: (l: string) => void records.push(JSON.parse(l)) });
    const scheduler = new CompactionScheduler({
      afterUpdates: 1000,
      afterBytes: 1024 * 1024,
      compactor: new CompactionWorker({ target: { kind: 'sqlite', file } }),
      log,
    });
    // Composed as server/app.ts does with SQLite: commits run in the append worker. A commit on
    // the main thread waits there for SQLite's write lock and its fsync, synchronously: beside
    // the compaction worker's writes (the longest 335 ms) that held the loop 309 ms in one CI run.
    const appender = new AppendWorker(file);
    await appender.start();
    const writer = new UpdateWriter({ updates: appender }, { onCommitted: (e) => scheduler.noteAppended(e) });
    const registry = new RoomRegistry(storage, writer, log, { unloadDelayMs: 0, tails: scheduler });

    // 1. Load from the full, uncompacted log: every row applied in slices.
    const before = await watched(() => registry.acquire(documentId));
    const room = before.result;
    expect(room.doc.getText(TRACE_TEXT).toString()).toBe(endContent);
    // The load reported a tail far over the threshold, so a compaction is on its way.
    expect(scheduler.stats.queued + scheduler.stats.running).toBe(1);

    // 2. Compaction in the worker, while someone types into another document.
    const live = await liveEditor(registry, other.id);
    const during = await watched(() => scheduler.idle());
    const typed = await live.stop();
    // The live document may pass the threshold too and be compacted as well, by its last
    // acknowledged writes or by its unload (which asks for a compaction of a long enough tail),
    // after the B4 compaction finished: let the unload finish, then wait for that one too.
    await registry.unloaded(other.id);
    await scheduler.idle();
    expect(scheduler.stats).toMatchObject({ failures: 0, queued: 0, running: 0 });
    const b4 = records.find((r) => r.msg === 'compacted document' && r.doc === documentId)!;
    expect(b4).toMatchObject({ rows: B4_EDITS });

    const snapshot = (await storage.snapshots.get(documentId))!;
    expect(snapshot.uptoId).toBe(seeded.lastId);
    const fromSnapshot = new Y.Doc();
    for (const u of snapshot.updates) Y.applyUpdate(fromSnapshot, u);
    expect(fromSnapshot.getText(TRACE_TEXT).toString()).toBe(endContent);
    // Stored in segments, so that loading applies one per event-loop turn.
    expect(snapshot.updates.length).toBeGreaterThan(2);
    const state = await storage.updates.loadState(documentId);
    expect(state.tailCount).toBe(0);
    expect(await storage.updates.page(documentId, 0, 10)).toEqual([]);
    // Every edit made during the compaction was acknowledged and is stored.
    expect(typed.edits).toBeGreaterThan(10);
    expect(typed.acked).toBe(typed.edits);
    await writer.drain();
    expect(storedText(await storage.updates.loadState(other.id))).toBe(live.text());

    // 3. Unload, then load again: now from the snapshot.
    registry.releaseIfEmpty(room);
    const after = await watched(() => registry.acquire(documentId));
    expect(after.result).not.toBe(room);
    expect(after.result.doc.getText(TRACE_TEXT).toString()).toBe(endContent);

    console.log(
      [
        `B4 compaction figures (${B4_EDITS} rows, ${endContent.length} characters):`,
        `  seed (parse, replay, insert; child process): ${ms(seeded.seedMs)}`,
        `  load from full log: ${loop(before.loop)}`,
        `  compaction in the worker: fold ${ms(b4.foldMs!)}, total ${ms(b4.ms!)} (incl. chunked deletes), snapshot ${snapshot.bytes} bytes in ${snapshot.updates.length} segments, longest single write in the worker (incl. lock waits) ${ms(b4.maxWriteMs!)}`,
        `  during compaction: ${loop(during.loop)}; ${typed.edits} live edits acknowledged (ack p50 ${ms(typed.ackP50)}, p99 ${ms(typed.ackP99)}, max ${ms(typed.ackMax)})`,
        `  load from snapshot: ${loop(after.loop)}`,
      ].join('\n'),
    );

    expect(before.loop.maxDelayMs).toBeLessThan(MAX_BLOCK_MS);
    expect(before.loop.maxLagMs).toBeLessThan(MAX_BLOCK_MS);
    expect(during.loop.maxDelayMs).toBeLessThan(MAX_BLOCK_MS);
    expect(during.loop.maxLagMs).toBeLessThan(MAX_BLOCK_MS);
    expect(after.loop.maxDelayMs).toBeLessThan(MAX_BLOCK_MS);
    expect(after.loop.maxLagMs).toBeLessThan(MAX_BLOCK_MS);

    await scheduler.close();
    await registry.closeAll(1001, 'done');
    await writer.drain();
    await appender.close();
  }, 120_000);
});
