import path from 'node:path';
import { z } from 'zod';
import { parseTrustProxy } from '../http/client-ip';

/**
 * Every setting Tandem reads, from environment variables only. Each entry says what it expects in
 * words, so a wrong value stops the start with one line naming the variable and the expectation.
 */

const DURATION = /^(\d+)(ms|s|m|h|d)?$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Parses `90`, `45s`, `30m`, `12h`, `14d` (a bare number means seconds) into milliseconds. */
export function parseDuration(value: string): number | undefined {
  const m = DURATION.exec(value.trim());
  if (!m) return undefined;
  const unit = (m[2] ?? 's') as keyof typeof UNIT_MS;
  return Number(m[1]) * UNIT_MS[unit];
}

/** Normalises an origin (`scheme://host[:port]`), or returns undefined when the value is not one. */
export function parseOrigin(value: string): string | undefined {
  try {
    const u = new URL(value);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
    if (u.pathname !== '/' || u.search || u.hash || u.username || u.password) return undefined;
    if (value.replace(/\/$/, '') !== u.origin) return undefined;
    return u.origin;
  } catch {
    return undefined;
  }
}

const port = z.coerce.number().int().min(1).max(65535);
const count = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const bytes = z.coerce.number().int().min(1024).max(1024 * 1024 * 1024);
const duration = (min: number) =>
  z.string().transform((v, ctx) => {
    const ms = parseDuration(v);
    if (ms === undefined || ms < min) ctx.addIssue({ code: 'custom', message: 'bad duration' });
    return ms ?? 0;
  });
const origin = z.string().transform((v, ctx) => {
  const o = parseOrigin(v);
  if (!o) ctx.addIssue({ code: 'custom', message: 'bad origin' });
  return o ?? '';
});
const originList = z.string().transform((v, ctx) => {
  const list = v.split(',').map((s) => s.trim()).filter(Boolean);
  const parsed = list.map(parseOrigin);
  if (list.length === 0 || parsed.some((o) => !o)) ctx.addIssue({ code: 'custom', message: 'bad list' });
  return parsed.filter((o): o is string => !!o);
});
const wsUrl = z.string().transform((v, ctx) => {
  try {
    const u = new URL(v);
    if (u.protocol !== 'ws:' && u.protocol !== 'wss:') throw new Error();
    return v.replace(/\/+$/, '');
  } catch {
    ctx.addIssue({ code: 'custom', message: 'bad url' });
    return '';
  }
});

/** `30/15m`: at most 30 per 15 minutes. */
const perWindow = z.string().transform((v, ctx) => {
  const m = /^(\d+)\s*\/\s*(\S+)$/.exec(v);
  const limit = m ? Number(m[1]) : 0;
  const windowMs = m ? parseDuration(m[2]) : undefined;
  if (!m || limit < 1 || limit > 1_000_000 || windowMs === undefined || windowMs < 1000) ctx.addIssue({ code: 'custom', message: 'bad limit' });
  return { limit, windowMs: windowMs ?? 0 };
});
const trustProxy = z.string().transform((v, ctx) => {
  const t = parseTrustProxy(v);
  if (!t) ctx.addIssue({ code: 'custom', message: 'bad trust' });
  return t ?? { kind: 'none' as const };
});
const file = z.string().min(1);
const urlWithScheme = (schemes: string[], message: string) =>
  z.string().transform((v, ctx) => {
    try {
      const u = new URL(v);
      if (!schemes.includes(u.protocol) || !u.hostname) throw new Error();
      return v;
    } catch {
      ctx.addIssue({ code: 'custom', message });
      return '';
    }
  });

interface Setting<T> {
  schema: z.ZodType<T>;
  expected: string;
}

const settings = {
  PORT: { schema: port, expected: 'a TCP port number between 1 and 65535' },
  COLLAB_PORT: { schema: port, expected: 'a TCP port number between 1 and 65535' },
  HOST: { schema: z.string().min(1), expected: 'an interface address to listen on, e.g. 0.0.0.0 or 127.0.0.1' },
  DATA_DIR: { schema: z.string().min(1), expected: 'a directory path for the SQLite database' },
  DATABASE_URL: { schema: urlWithScheme(['postgres:', 'postgresql:'], 'bad url'), expected: 'a Postgres URL like postgres://user:password@host:5432/database (unset: SQLite under DATA_DIR)' },
  REDIS_URL: { schema: urlWithScheme(['redis:', 'rediss:'], 'bad url'), expected: 'a Redis URL like redis://host:6379 (unset: a single collaboration server)' },
  APP_ORIGIN: { schema: origin, expected: 'an origin like http://localhost:3000 (scheme, host and optional port; no path)' },
  ALLOWED_ORIGINS: { schema: originList, expected: 'a comma-separated list of origins like https://docs.example.com' },
  COLLAB_URL: { schema: wsUrl, expected: 'a ws:// or wss:// URL where browsers reach the collaboration server' },
  SESSION_IDLE_TIMEOUT: { schema: duration(60_000), expected: 'a duration of at least 1m, like 30m, 12h or 7d' },
  SESSION_MAX_AGE: { schema: duration(60_000), expected: 'a duration of at least 1m, like 12h or 30d' },
  MAX_MESSAGE_BYTES: { schema: bytes, expected: 'a whole number of bytes between 1024 and 1073741824' },
  RATE_LIMIT_MESSAGES: { schema: count(1, 1_000_000), expected: 'a whole number of messages per second per connection (at least 1)' },
  RATE_LIMIT_BYTES: { schema: bytes, expected: 'a whole number of bytes per second per connection, at least 1024' },
  MAX_CONNECTIONS_PER_USER: { schema: count(1, 1_000_000), expected: 'a whole number of connections (at least 1)' },
  MAX_CONNECTIONS_PER_DOCUMENT: { schema: count(1, 1_000_000), expected: 'a whole number of connections (at least 1)' },
  MAX_BUFFERED_BYTES: { schema: bytes, expected: 'a whole number of bytes between 1024 and 1073741824' },
  ROOM_UNLOAD_DELAY: { schema: z.string().transform((v, ctx) => {
    const ms = parseDuration(v);
    if (ms === undefined) ctx.addIssue({ code: 'custom', message: 'bad duration' });
    return ms ?? 0;
  }), expected: 'a duration like 0, 500ms, 10s or 1m' },
  VERSION_INTERVAL: { schema: duration(1000), expected: 'a duration of at least 1s, like 5m (at most one automatic version per document per this long)' },
  VERSION_QUIET: { schema: duration(100), expected: 'a duration of at least 100ms, like 30s (no edits for this long ends a burst of editing)' },
  COMPACT_AFTER_UPDATES: { schema: count(1, 100_000_000), expected: 'a whole number of updates between 1 and 100000000' },
  COMPACT_AFTER_BYTES: { schema: bytes, expected: 'a whole number of bytes between 1024 and 1073741824' },
  TLS_CERT_FILE: { schema: file, expected: 'the path of a PEM certificate file (with TLS_KEY_FILE)' },
  TLS_KEY_FILE: { schema: file, expected: 'the path of a PEM private key file (with TLS_CERT_FILE)' },
  TRUST_PROXY: {
    schema: trustProxy,
    expected: 'a number of proxy hops from 0 to 20, or a comma-separated list of proxy addresses and CIDR ranges (or loopback), like 10.0.0.0/8,::1',
  },
  RATE_LIMIT_LOGIN_PER_IP: { schema: perWindow, expected: 'a count and a window, like 30/15m (at most 30 login attempts per address per 15 minutes)' },
  RATE_LIMIT_SIGNUP_PER_IP: { schema: perWindow, expected: 'a count and a window, like 10/1h (at most 10 sign-ups per address per hour)' },
  LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    expected: 'one of fatal, error, warn, info, debug, trace, silent',
  },
} satisfies Record<string, Setting<unknown>>;

type Settings = typeof settings;
export type SettingName = keyof Settings;
type Parsed = { [K in SettingName]?: z.output<Settings[K]['schema']> };

/** Thrown when the environment holds a value Tandem cannot use; `message` is one line per variable. */
export class ConfigError extends Error {
  constructor(readonly problems: { name: string; line: string }[]) {
    super(problems.map((p) => p.line).join('\n'));
    this.name = 'ConfigError';
  }
}

/** Validates each variable that is set (empty counts as unset); returns the parsed values. */
export function readSettings(env: Record<string, string | undefined>): Parsed {
  const out: Record<string, unknown> = {};
  const problems: { name: string; line: string }[] = [];
  for (const [name, s] of Object.entries(settings) as [SettingName, Setting<unknown>][]) {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') continue;
    const r = s.schema.safeParse(raw.trim());
    if (r.success) out[name] = r.data;
    else problems.push({ name, line: `Invalid configuration: ${name} must be ${s.expected} (got ${JSON.stringify(raw)}).` });
  }
  if (problems.length) throw new ConfigError(problems);
  return out as Parsed;
}

export function resolveDataDir(dir: string): string {
  return path.resolve(dir);
}
