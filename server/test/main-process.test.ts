import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openStorage, type Storage } from '../../lib/storage';
import { buildServer } from '../../scripts/build-server';
import { client, freePort, signedInUser, testConfig, waitFor } from './helpers';

let storage: Storage | undefined;
afterEach(async () => {
  await storage?.close();
  storage = undefined;
});
afterAll(() => fs.rmSync(bundleDir, { recursive: true, force: true }));

const ROOT = new URL('../..', import.meta.url).pathname;
// Inside the repository: the bundle imports packages from its node_modules.
fs.mkdirSync(path.join(ROOT, '.build'), { recursive: true });
const bundleDir = fs.mkdtempSync(path.join(ROOT, '.build', 'test-server-'));

/** How `npm run start:server` (TypeScript through tsx) and `npm start` (the bundle) start it. */
const ways: [string, () => Promise<string[]>][] = [
  ['node --import tsx server/main.ts', async () => ['--conditions=react-server', '--import', 'tsx', 'server/main.ts']],
  [
    'the bundle of scripts/build-server.ts',
    async () => {
      await buildServer(bundleDir);
      return ['--conditions=react-server', path.join(bundleDir, 'main.mjs')];
    },
  ],
];

describe('the collaboration server process', () => {
  it.each(ways)('runs compaction in its worker under %s', async (_way, args) => {
    const port = await freePort();
    const env = { COLLAB_PORT: String(port), HOST: '127.0.0.1', COMPACT_AFTER_UPDATES: '10', LOG_LEVEL: 'info' };
    const config = testConfig(env);
    storage = await openStorage({ sqliteFile: config.databaseFile });
    const owner = await signedInUser(storage, config, 'Proc');
    const doc = await storage.documents.create({ title: 'Proc', ownerId: owner.user.id, now: Date.now() });

    const child = spawn(process.execPath, await args(), {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: config.dataDir, APP_ORIGIN: config.appOrigin, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const logs: { msg?: string; doc?: string; rows?: number }[] = [];
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      for (const line of b.toString().split('\n')) if (line.startsWith('{')) logs.push(JSON.parse(line));
    });
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      // Starting under tsx took 10 s with both cores busy (the bundle 3 s).
      await waitFor(() => logs.some((l) => l.msg?.startsWith('collaboration server listening')), 30_000, `server start (stderr: ${stderr})`);
      const c = client({ url: `ws://127.0.0.1:${port}` }, doc.id, owner.cookie);
      await waitFor(() => c.provider.synced, 5000, 'synced');
      for (let i = 0; i < 12; i++) c.doc.getText('t').insert(i, String(i % 10));
      await waitFor(() => c.tracker.state.kind === 'saved', 5000, 'saved');
      await waitFor(() => logs.some((l) => l.msg === 'compacted document' && l.doc === doc.id), 15_000, `compaction log (stderr: ${stderr})`);
      expect(logs.find((l) => l.msg === 'compacted document')).toMatchObject({ doc: doc.id });
      // The worker wrote the snapshot to the shared file.
      const state = await storage.updates.loadState(doc.id);
      expect(state.snapshot).not.toBeNull();
      const stored = new Y.Doc();
      for (const u of await storage.updates.load(doc.id)) Y.applyUpdate(stored, u);
      expect(stored.getText('t').toString()).toBe(c.text());
      c.destroy();
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(logs.filter((l) => (l as { level?: number }).level! >= 50)).toEqual([]);
  }, 60_000);
});
