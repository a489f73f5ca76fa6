import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { ApiError } from '../http/errors';
import { authThrottle } from './throttle';

function refusal(fn: () => void): ApiError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return e as ApiError;
  }
  return expect.unreachable('not refused');
}

describe('login and sign-up throttle', () => {
  it('counts attempts per address up to the limit, then refuses with 429 and Retry-After in seconds', () => {
    const t = authThrottle(loadConfig({ RATE_LIMIT_LOGIN_PER_IP: '2/1m', RATE_LIMIT_SIGNUP_PER_IP: '1/1h' }));
    t.loginAttempt('203.0.113.1');
    t.loginAttempt('203.0.113.1');
    const e = refusal(() => t.loginAttempt('203.0.113.1'));
    expect(e).toMatchObject({ status: 429, code: 'rate_limited', message: 'Too many login attempts from your network. Try again in 1 minute(s).' });
    expect(Number(e.headers['Retry-After'])).toBeGreaterThan(55);
    expect(Number(e.headers['Retry-After'])).toBeLessThanOrEqual(60);
    // Other addresses, and sign-ups from the same one, have their own counts.
    t.loginAttempt('203.0.113.2');
    t.signupAttempt('203.0.113.1');
    expect(refusal(() => t.signupAttempt('203.0.113.1')).message).toBe('Too many sign-ups from your network. Try again in 60 minute(s).');
  });

  it('counts IPv6 addresses by their /64', () => {
    const t = authThrottle(loadConfig({ RATE_LIMIT_SIGNUP_PER_IP: '1/1h' }));
    t.signupAttempt('2001:db8:5:6::1');
    expect(refusal(() => t.signupAttempt('2001:db8:5:6:a:b:c:d')).status).toBe(429);
    t.signupAttempt('2001:db8:5:7::1');
  });

  it('without a trusted address, skips the per-address limits rather than sharing one bucket', () => {
    const t = authThrottle(loadConfig({ RATE_LIMIT_LOGIN_PER_IP: '1/1m', RATE_LIMIT_SIGNUP_PER_IP: '1/1m' }));
    for (let i = 0; i < 5; i++) {
      t.loginAttempt(undefined);
      t.signupAttempt(undefined);
    }
  });

  it('refuses an account after 10 failed logins until one succeeds', () => {
    const t = authThrottle(loadConfig({}));
    for (let i = 0; i < 10; i++) {
      t.checkAccount('a@example.test');
      t.accountFailed('a@example.test');
    }
    expect(refusal(() => t.checkAccount('a@example.test')).message).toBe('Too many attempts. Try again in 15 minute(s).');
    t.checkAccount('b@example.test');
    t.accountSucceeded('a@example.test');
    t.checkAccount('a@example.test');
  });

  it('keeps one set of counters per configuration', () => {
    const config = loadConfig({ RATE_LIMIT_LOGIN_PER_IP: '1/1m' });
    authThrottle(config).loginAttempt('198.51.100.1');
    expect(refusal(() => authThrottle(config).loginAttempt('198.51.100.1')).status).toBe(429);
  });
});
