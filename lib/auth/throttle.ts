import 'server-only';
import type { Config } from '../config';
import { addressBucket } from '../http/client-ip';
import { ApiError } from '../http/errors';
import { RateLimiter } from '../http/rate-limit';

/**
 * Limits on logging in and signing up: per client address (every attempt counts, so one
 * address cannot guess passwords across many accounts or mass-create accounts) and per account
 * (failed logins only, so guessing one account's password from many addresses stops too).
 */
export interface AuthThrottle {
  /** Counts a login attempt from `ip`, or throws 429 when that address is over its limit. */
  loginAttempt(ip: string | undefined): void;
  /** Counts a sign-up from `ip`, or throws 429 when that address is over its limit. */
  signupAttempt(ip: string | undefined): void;
  /** Throws 429 while `email` has had too many failed logins. */
  checkAccount(email: string): void;
  accountFailed(email: string): void;
  accountSucceeded(email: string): void;
}

/** Failed logins per account: 10 per 15 minutes. */
const ACCOUNT_FAILURES = { limit: 10, windowMs: 15 * 60_000 };

function tooMany(seconds: number, what: string): ApiError {
  return new ApiError('rate_limited', `${what} Try again in ${Math.ceil(seconds / 60)} minute(s).`, { 'Retry-After': String(seconds) });
}

let warned = false;

/**
 * Without a trusted address (the request did not come through web/main.ts, e.g. a bare
 * `next start`) per-address limits are skipped rather than applied to one shared bucket, which
 * would let anyone lock everybody out. The per-account limit still applies.
 */
function bucket(ip: string | undefined): string | undefined {
  if (ip) return addressBucket(ip);
  if (!warned && process.env.NODE_ENV === 'production') {
    warned = true;
    console.warn('[tandem] requests carry no trusted client address (start the app with web/main.ts); per-address login and sign-up limits are off');
  }
  return undefined;
}

function create(config: Config): AuthThrottle {
  const logins = new RateLimiter(config.authLimits.loginPerIp.limit, config.authLimits.loginPerIp.windowMs);
  const signups = new RateLimiter(config.authLimits.signupPerIp.limit, config.authLimits.signupPerIp.windowMs);
  const failures = new RateLimiter(ACCOUNT_FAILURES.limit, ACCOUNT_FAILURES.windowMs);
  const count = (limiter: RateLimiter, ip: string | undefined, what: string) => {
    const key = bucket(ip);
    if (key === undefined) return;
    const wait = limiter.retryAfter(key);
    if (wait > 0) throw tooMany(wait, what);
    limiter.hit(key);
  };
  return {
    loginAttempt: (ip) => count(logins, ip, 'Too many login attempts from your network.'),
    signupAttempt: (ip) => count(signups, ip, 'Too many sign-ups from your network.'),
    checkAccount(email) {
      const wait = failures.retryAfter(email);
      if (wait > 0) throw tooMany(wait, 'Too many attempts.');
    },
    accountFailed: (email) => failures.hit(email),
    accountSucceeded: (email) => failures.reset(email),
  };
}

const throttles = new WeakMap<Config, AuthThrottle>();

/** The process-wide limits for this configuration (counters live in memory, per process). */
export function authThrottle(config: Config): AuthThrottle {
  let t = throttles.get(config);
  if (!t) throttles.set(config, (t = create(config)));
  return t;
}
