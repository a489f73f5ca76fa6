import { openStorage } from '../lib/storage';
import { buildServer } from '../scripts/build-server';
import { ensureBuild } from '../scripts/run';
import { e2eEnv, spawnApp, spawnCollab, waitForUrl, writeServers } from './support/servers';

/**
 * Starts the web app and the collaboration server as separate processes (instead of
 * Playwright's webServer) so that tests can SIGKILL and restart the collaboration server.
 */
export default async function globalSetup() {
  await ensureBuild();
  await buildServer();
  const { dataDir, appPort, collabPort } = e2eEnv();
  // Migrate once, before either process opens the database.
  await (await openStorage({ sqliteFile: `${dataDir}/tandem.db` })).close();
  const collabPid = spawnCollab();
  const appPid = spawnApp();
  writeServers({ dataDir, appPort, collabPort, appPid, collabPid });
  await Promise.all([waitForUrl(`http://127.0.0.1:${collabPort}/healthz`), waitForUrl(`http://localhost:${appPort}/login`)]);
}
