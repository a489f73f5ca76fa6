import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { SERVER_BUILD_DIR } from '../../scripts/build-server';
import { webAppArgs } from '../../scripts/run';

/** Ports, data directory and process ids of the servers the end-to-end run uses. */
export interface E2EServers {
  dataDir: string;
  appPort: number;
  collabPort: number;
  appPid: number;
  collabPid: number;
}

export const e2eEnv = () => {
  const dataDir = process.env.E2E_DATA_DIR!;
  const appPort = Number(process.env.E2E_PORT ?? 3900);
  const collabPort = Number(process.env.E2E_COLLAB_PORT ?? 3901);
  return {
    dataDir,
    appPort,
    collabPort,
    env: {
      ...process.env,
      PORT: String(appPort),
      COLLAB_PORT: String(collabPort),
      APP_ORIGIN: `http://localhost:${appPort}`,
      DATA_DIR: dataDir,
      // The browser suites run on the default storage (SQLite) and one server, whatever the
      // environment says; Postgres and Redis have their own suites. E2E_DATABASE_URL runs them
      // on a Postgres database instead (by hand: it must be empty or Tandem's own).
      DATABASE_URL: process.env.E2E_DATABASE_URL ?? '',
      REDIS_URL: '',
      LOG_LEVEL: 'warn',
      NEXT_TELEMETRY_DISABLED: '1',
      // Every browser here signs up and logs in from the same loopback address.
      RATE_LIMIT_SIGNUP_PER_IP: '100000/1h',
      RATE_LIMIT_LOGIN_PER_IP: '100000/15m',
    },
  };
};

const stateFile = (dataDir: string) => path.join(dataDir, 'e2e-servers.json');

export function readServers(): E2EServers {
  return JSON.parse(fs.readFileSync(stateFile(e2eEnv().dataDir), 'utf8'));
}

export function writeServers(s: E2EServers): void {
  fs.writeFileSync(stateFile(s.dataDir), JSON.stringify(s));
}

/**
 * Starts a process in its own process group, logging to a file in the data directory, so it
 * outlives the test worker that started it and can be killed as a group.
 */
export function spawnLogged(name: string, cmd: string, args: string[], o: { dataDir: string; env: NodeJS.ProcessEnv } = e2eEnv()): number {
  const { dataDir, env } = o;
  const log = fs.openSync(path.join(dataDir, `${name}.log`), 'a');
  const child = spawn(cmd, args, { env, detached: true, stdio: ['ignore', log, log] });
  child.unref();
  fs.closeSync(log);
  return child.pid!;
}

/** The collaboration server exactly as `npm start` runs it (the bundle global-setup built). */
export function spawnCollab(o?: { dataDir: string; env: NodeJS.ProcessEnv }): number {
  return spawnLogged('collab', process.execPath, ['--conditions=react-server', path.join(SERVER_BUILD_DIR, 'main.mjs')], o);
}

/** The web app exactly as `npm start` runs it (web/main.ts around the production build). */
export function spawnApp(o?: { dataDir: string; env: NodeJS.ProcessEnv }): number {
  return spawnLogged('app', process.execPath, webAppArgs(), o);
}

export async function waitForUrl(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not come up`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

export async function waitForExit(pid: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    if (Date.now() > deadline) throw new Error(`process ${pid} did not exit`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** SIGKILLs the collaboration server and starts a new one on the same port and database. */
export async function crashAndRestartCollab(between?: () => Promise<void>): Promise<void> {
  const s = readServers();
  killGroup(s.collabPid, 'SIGKILL');
  await waitForExit(s.collabPid);
  await between?.();
  const collabPid = spawnCollab();
  writeServers({ ...s, collabPid });
  await waitForUrl(`http://127.0.0.1:${s.collabPort}/healthz`);
}
