import { killGroup, readServers, waitForExit } from './support/servers';
import { stopLeftoverTlsPairs } from './support/tls-servers';

export default async function globalTeardown() {
  const s = readServers();
  for (const pid of [s.appPid, s.collabPid]) killGroup(pid, 'SIGTERM');
  await Promise.all([s.appPid, s.collabPid].map((pid) => waitForExit(pid).catch(() => killGroup(pid, 'SIGKILL'))));
  await stopLeftoverTlsPairs();
}
