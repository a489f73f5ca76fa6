import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { openStorage } from '../../lib/storage';
import { makeCertificate, type TestCertificate } from '../../test/certs';
import { e2eEnv, killGroup, spawnApp, spawnCollab, waitForExit } from './servers';

/**
 * A second app + collaboration server pair that serves https and wss itself, with a
 * self-signed certificate made by `openssl` for this pair, its own ports and data directory.
 * Started by a test worker (one pair per worker at a time); the pids are also noted in the main
 * run's data directory, so global teardown stops any pair a crashed worker left behind.
 */
export interface TlsPair {
  dataDir: string;
  appPort: number;
  collabPort: number;
  /** `https://localhost:<appPort>`: the default APP_ORIGIN with TLS files set. */
  origin: string;
  cert: TestCertificate;
  stop(): Promise<void>;
}

/**
 * Ports: `E2E_TLS_PORT` (default `E2E_PORT` + 10) for the first worker's app, the next port
 * for its collaboration server, two more per further worker.
 */
export function tlsPorts(workerIndex: number): { appPort: number; collabPort: number } {
  const base = Number(process.env.E2E_TLS_PORT ?? e2eEnv().appPort + 10) + 2 * workerIndex;
  return { appPort: base, collabPort: base + 1 };
}

const PID_FILE = /^tls-pair-\d+\.pids$/;
const pidFile = (appPort: number) => path.join(e2eEnv().dataDir, `tls-pair-${appPort}.pids`);

/** GETs `url` trusting only `ca`, until it answers 200. */
export async function waitForHttps(url: string, ca: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await new Promise<number>((resolve) => {
      https
        .get(url, { ca }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on('error', () => resolve(0));
    });
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`${url} did not come up over https`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startTlsPair(ports: { appPort: number; collabPort: number }, extraEnv: Record<string, string> = {}): Promise<TlsPair> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-e2e-tls-'));
  const cert = makeCertificate(path.join(dataDir, 'cert'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(ports.appPort),
    COLLAB_PORT: String(ports.collabPort),
    DATA_DIR: dataDir,
    TLS_CERT_FILE: cert.certFile,
    TLS_KEY_FILE: cert.keyFile,
    LOG_LEVEL: 'warn',
    NEXT_TELEMETRY_DISABLED: '1',
    ...extraEnv,
  };
  // What the configuration derives from the TLS files is under test: nothing else may set it.
  for (const k of ['APP_ORIGIN', 'ALLOWED_ORIGINS', 'COLLAB_URL', 'TRUST_PROXY']) if (!(k in extraEnv)) delete env[k];
  await (await openStorage({ sqliteFile: path.join(dataDir, 'tandem.db') })).close();
  const pids = [spawnCollab({ dataDir, env }), spawnApp({ dataDir, env })];
  fs.writeFileSync(pidFile(ports.appPort), pids.join('\n'));
  const pair: TlsPair = {
    dataDir,
    ...ports,
    origin: `https://localhost:${ports.appPort}`,
    cert,
    async stop() {
      for (const pid of pids) killGroup(pid, 'SIGTERM');
      await Promise.all(pids.map((pid) => waitForExit(pid).catch(() => killGroup(pid, 'SIGKILL'))));
      fs.rmSync(pidFile(ports.appPort), { force: true });
    },
  };
  try {
    await Promise.all([waitForHttps(`https://localhost:${ports.collabPort}/healthz`, cert.cert), waitForHttps(`${pair.origin}/login`, cert.cert)]);
  } catch (e) {
    await pair.stop();
    const logs = ['app', 'collab'].map((n) => `${n}: ${fs.readFileSync(path.join(dataDir, `${n}.log`), 'utf8').slice(-2000)}`).join('\n');
    throw new Error(`${e instanceof Error ? e.message : e}\n${logs}`);
  }
  return pair;
}

/** For global teardown: stops the processes of any pair whose worker did not stop it. */
export async function stopLeftoverTlsPairs(): Promise<void> {
  const dir = e2eEnv().dataDir;
  const files = fs.readdirSync(dir).filter((f) => PID_FILE.test(f));
  const pids = files.flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean).map(Number));
  for (const pid of pids) killGroup(pid, 'SIGTERM');
  await Promise.all(pids.map((pid) => waitForExit(pid).catch(() => killGroup(pid, 'SIGKILL'))));
  for (const f of files) fs.rmSync(path.join(dir, f), { force: true });
}
