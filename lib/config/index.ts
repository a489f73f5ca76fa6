import path from 'node:path';
import type { TrustProxy } from '../http/client-ip';
import { ConfigError, readSettings, resolveDataDir } from './env';
import { checkTlsFiles, type TlsFiles } from './tls';
import type { StorageTarget } from '../storage/db';

export { ConfigError } from './env';
export type { TlsFiles } from './tls';

/** The whole runtime configuration, shared by the app and the collaboration server. */
export interface Config {
  /** Port of the Next.js app. */
  port: number;
  /** Port of the collaboration (WebSocket) server. */
  collabPort: number;
  /** Interface both servers listen on; undefined means all interfaces. */
  host: string | undefined;
  dataDir: string;
  /** The SQLite database file inside `dataDir` (used unless `DATABASE_URL` names Postgres). */
  databaseFile: string;
  /** Where all data lives: that SQLite file, or Postgres when `DATABASE_URL` is set. */
  storage: StorageTarget;
  /** Redis between collaboration servers (`REDIS_URL`); undefined: one server alone. */
  redisUrl: string | undefined;
  /** The origin users load the app from; state-changing requests must carry it. */
  appOrigin: string;
  /** Origins allowed to open collaboration sockets (exact match). */
  allowedOrigins: string[];
  /** Where browsers reach the collaboration server (no trailing slash). */
  collabUrl: string;
  /** True when the app is served over https: cookies get `Secure`. */
  secureCookies: boolean;
  /** Certificate and key: both servers speak https/wss themselves. Undefined: plain http/ws. */
  tls: TlsFiles | undefined;
  /** How far to believe `X-Forwarded-For` (see lib/http/client-ip.ts). */
  trustProxy: TrustProxy;
  /** Per-address limits on logging in and signing up. */
  authLimits: { loginPerIp: RateWindow; signupPerIp: RateWindow };
  sessionIdleMs: number;
  sessionMaxAgeMs: number;
  /** Largest WebSocket message the collaboration server accepts. */
  maxMessageBytes: number;
  /** Compact a document once its update log holds this many rows after its snapshot... */
  compactAfterUpdates: number;
  /** ...or this many bytes, whichever comes first. */
  compactAfterBytes: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Per-connection and per-server bounds of the collaboration server. */
  limits: Limits;
  /** How long an empty room stays loaded, in case someone comes back (reload, flaky network). */
  roomUnloadDelayMs: number;
  /** Automatic versions: at most one per `intervalMs` per document, once editing pauses for `quietMs`. */
  versions: { intervalMs: number; quietMs: number };
}

/** At most `limit` per `windowMs`. */
export interface RateWindow {
  limit: number;
  windowMs: number;
}

export interface Limits {
  /** Sustained messages per second per connection (bursts of five seconds' worth are allowed). */
  messagesPerSecond: number;
  /** Sustained bytes per second per connection (a burst may be one maximum-size message). */
  bytesPerSecond: number;
  maxConnectionsPerUser: number;
  maxConnectionsPerDocument: number;
  /** A connection whose unsent data passes this is dropped as a slow consumer. */
  maxBufferedBytes: number;
}

/** Reads and validates the configuration; throws {@link ConfigError} naming each wrong variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const s = readSettings(env);
  const port = s.PORT ?? 3000;
  const collabPort = s.COLLAB_PORT ?? 1234;
  const problems: { name: string; line: string }[] = [];
  const tls = s.TLS_CERT_FILE && s.TLS_KEY_FILE ? { certFile: path.resolve(s.TLS_CERT_FILE), keyFile: path.resolve(s.TLS_KEY_FILE) } : undefined;
  if (!!s.TLS_CERT_FILE !== !!s.TLS_KEY_FILE) {
    const [set, unset] = s.TLS_CERT_FILE ? ['TLS_CERT_FILE', 'TLS_KEY_FILE'] : ['TLS_KEY_FILE', 'TLS_CERT_FILE'];
    problems.push({ name: unset, line: `Invalid configuration: ${unset} must be set too when ${set} is (both or neither).` });
  }
  if (tls) problems.push(...checkTlsFiles(tls));
  // Serving TLS ourselves means users open an https origin (which also makes cookies Secure).
  const appOrigin = s.APP_ORIGIN ?? `${tls ? 'https' : 'http'}://localhost:${port}`;
  const app = new URL(appOrigin);
  const secure = app.protocol === 'https:';
  if (tls && !secure) {
    problems.push({ name: 'APP_ORIGIN', line: `Invalid configuration: APP_ORIGIN must be an https:// origin when TLS_CERT_FILE and TLS_KEY_FILE are set (got ${JSON.stringify(appOrigin)}).` });
  }
  const collabUrl = s.COLLAB_URL ?? `${secure ? 'wss' : 'ws'}://${app.hostname}:${collabPort}`;
  const sessionIdleMs = s.SESSION_IDLE_TIMEOUT ?? 7 * 86_400_000;
  const sessionMaxAgeMs = s.SESSION_MAX_AGE ?? 30 * 86_400_000;
  if (sessionIdleMs > sessionMaxAgeMs) {
    problems.push({ name: 'SESSION_IDLE_TIMEOUT', line: 'Invalid configuration: SESSION_IDLE_TIMEOUT must be no longer than SESSION_MAX_AGE.' });
  }
  if (problems.length) throw new ConfigError(problems);
  const dataDir = resolveDataDir(s.DATA_DIR ?? './data');
  return {
    port,
    collabPort,
    host: s.HOST,
    dataDir,
    databaseFile: path.join(dataDir, 'tandem.db'),
    storage: s.DATABASE_URL ? { kind: 'postgres', url: s.DATABASE_URL } : { kind: 'sqlite', file: path.join(dataDir, 'tandem.db') },
    redisUrl: s.REDIS_URL,
    appOrigin,
    allowedOrigins: s.ALLOWED_ORIGINS ?? [appOrigin],
    collabUrl,
    secureCookies: secure,
    tls,
    trustProxy: s.TRUST_PROXY ?? { kind: 'none' },
    authLimits: {
      loginPerIp: s.RATE_LIMIT_LOGIN_PER_IP ?? { limit: 30, windowMs: 15 * 60_000 },
      signupPerIp: s.RATE_LIMIT_SIGNUP_PER_IP ?? { limit: 10, windowMs: 3_600_000 },
    },
    sessionIdleMs,
    sessionMaxAgeMs,
    maxMessageBytes: s.MAX_MESSAGE_BYTES ?? 16 * 1024 * 1024,
    compactAfterUpdates: s.COMPACT_AFTER_UPDATES ?? 1000,
    compactAfterBytes: s.COMPACT_AFTER_BYTES ?? 1024 * 1024,
    logLevel: s.LOG_LEVEL ?? 'info',
    limits: {
      messagesPerSecond: s.RATE_LIMIT_MESSAGES ?? 300,
      bytesPerSecond: s.RATE_LIMIT_BYTES ?? 2 * 1024 * 1024,
      maxConnectionsPerUser: s.MAX_CONNECTIONS_PER_USER ?? 50,
      maxConnectionsPerDocument: s.MAX_CONNECTIONS_PER_DOCUMENT ?? 1000,
      maxBufferedBytes: s.MAX_BUFFERED_BYTES ?? 32 * 1024 * 1024,
    },
    roomUnloadDelayMs: s.ROOM_UNLOAD_DELAY ?? 10_000,
    versions: { intervalMs: s.VERSION_INTERVAL ?? 5 * 60_000, quietMs: s.VERSION_QUIET ?? 30_000 },
  };
}

let cached: Config | undefined;

/** The process-wide configuration, validated once. */
export function getConfig(): Config {
  cached ??= loadConfig();
  return cached;
}

/** For a process entry point: validate, or print one line per problem and exit 1. */
export function configOrExit(): Config {
  try {
    return getConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
}
