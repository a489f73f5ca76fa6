/**
 * `npm start`: validates the configuration, migrates the database, builds the web app if
 * needed, then runs the Next.js app and the collaboration server side by side. If either
 * stops, the other is stopped too. `--dev` runs both in watch mode instead.
 */
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ConfigError, loadConfig } from '../lib/config';
import { openStorage } from '../lib/storage';
import { buildServer, SERVER_BUILD_DIR } from './build-server';
import { ensureBuild, startChild, webAppArgs } from './run';

async function main() {
  const dev = process.argv.includes('--dev');
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  // Migrate once here, so the two processes never race to create the schema.
  const storage = await openStorage({ target: config.storage });
  await storage.close();
  if (!dev) {
    await ensureBuild();
    await buildServer();
  }

  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
  const children: ChildProcess[] = [
    // Our own server around Next (web/main.ts): https when configured, trusted client address.
    startChild('app', process.execPath, webAppArgs(dev), env),
    startChild(
      'collab',
      process.execPath,
      ['--conditions=react-server', ...(dev ? ['--import', 'tsx', '--watch', 'server/main.ts'] : [path.join(SERVER_BUILD_DIR, 'main.mjs')])],
      env,
    ),
  ];
  console.log(`[tandem] open ${config.appOrigin} (collaboration server on port ${config.collabPort}, data in ${config.dataDir})`);

  let exiting = false;
  const stopAll = (code: number) => {
    if (exiting) return;
    exiting = true;
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    const force = setTimeout(() => {
      for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
      process.exit(code);
    }, 10_000);
    force.unref();
    Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once('exit', r))))).then(() => process.exit(code));
  };
  for (const c of children) c.on('exit', (code) => stopAll(code ?? 1));
  process.on('SIGINT', () => stopAll(0));
  process.on('SIGTERM', () => stopAll(0));
}

main().catch((e) => {
  console.error(`[tandem] could not start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
