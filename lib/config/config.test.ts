import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeCertificate } from '../../test/certs';
import { ConfigError, loadConfig } from '.';
import { parseDuration, parseOrigin } from './env';

/** The single line a ConfigError for `env` carries (fails if there is not exactly one). */
function oneLine(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    const lines = (e as Error).message.split('\n');
    expect(lines).toHaveLength(1);
    return lines[0];
  }
  return expect.unreachable('no ConfigError');
}

describe('configuration', () => {
  it('has working defaults with nothing set', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      collabPort: 1234,
      appOrigin: 'http://localhost:3000',
      allowedOrigins: ['http://localhost:3000'],
      collabUrl: 'ws://localhost:1234',
      secureCookies: false,
      dataDir: path.resolve('./data'),
      compactAfterUpdates: 1000,
      compactAfterBytes: 1024 * 1024,
    });
  });

  it('reads the compaction thresholds', () => {
    expect(loadConfig({ COMPACT_AFTER_UPDATES: '50', COMPACT_AFTER_BYTES: '65536' })).toMatchObject({ compactAfterUpdates: 50, compactAfterBytes: 65536 });
  });

  it('derives the app origin from PORT and the collab URL from the origin', () => {
    expect(loadConfig({ PORT: '4000', COLLAB_PORT: '4001' })).toMatchObject({ appOrigin: 'http://localhost:4000', collabUrl: 'ws://localhost:4001' });
    expect(loadConfig({ APP_ORIGIN: 'https://docs.example.com' })).toMatchObject({ collabUrl: 'wss://docs.example.com:1234', secureCookies: true });
  });

  it('parses lists, durations and explicit URLs', () => {
    const c = loadConfig({ ALLOWED_ORIGINS: 'https://a.example, https://b.example:8443', SESSION_IDLE_TIMEOUT: '30m', SESSION_MAX_AGE: '2d', COLLAB_URL: 'wss://x.example/collab/' });
    expect(c.allowedOrigins).toEqual(['https://a.example', 'https://b.example:8443']);
    expect(c.sessionIdleMs).toBe(30 * 60_000);
    expect(c.sessionMaxAgeMs).toBe(2 * 86_400_000);
    expect(c.collabUrl).toBe('wss://x.example/collab');
  });

  it.each([
    ['PORT', 'abc', /^Invalid configuration: PORT must be a TCP port number between 1 and 65535 \(got "abc"\)\.$/],
    ['COLLAB_PORT', '70000', /COLLAB_PORT must be a TCP port/],
    ['APP_ORIGIN', 'localhost:3000', /APP_ORIGIN must be an origin like/],
    ['APP_ORIGIN', 'http://x.example/path', /APP_ORIGIN must be an origin/],
    ['ALLOWED_ORIGINS', 'https://ok.example, nope', /ALLOWED_ORIGINS must be a comma-separated list/],
    ['COLLAB_URL', 'http://x.example', /COLLAB_URL must be a ws:\/\/ or wss:\/\//],
    ['SESSION_IDLE_TIMEOUT', 'soon', /SESSION_IDLE_TIMEOUT must be a duration/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL must be one of/],
    ['MAX_MESSAGE_BYTES', '12', /MAX_MESSAGE_BYTES must be a whole number of bytes/],
    ['COMPACT_AFTER_UPDATES', '0', /^Invalid configuration: COMPACT_AFTER_UPDATES must be a whole number of updates between 1 and 100000000 \(got "0"\)\.$/],
    ['COMPACT_AFTER_UPDATES', '1.5', /COMPACT_AFTER_UPDATES must be a whole number of updates/],
    ['COMPACT_AFTER_BYTES', '1k', /^Invalid configuration: COMPACT_AFTER_BYTES must be a whole number of bytes between 1024 and 1073741824 \(got "1k"\)\.$/],
    ['TRUST_PROXY', 'true', /^Invalid configuration: TRUST_PROXY must be a number of proxy hops from 0 to 20, or a comma-separated list of proxy addresses and CIDR ranges/],
    ['TRUST_PROXY', '10.0.0.0/40', /TRUST_PROXY must be/],
    ['RATE_LIMIT_LOGIN_PER_IP', '30', /^Invalid configuration: RATE_LIMIT_LOGIN_PER_IP must be a count and a window, like 30\/15m/],
    ['RATE_LIMIT_LOGIN_PER_IP', '0/15m', /RATE_LIMIT_LOGIN_PER_IP must be/],
    ['RATE_LIMIT_SIGNUP_PER_IP', '10/soon', /RATE_LIMIT_SIGNUP_PER_IP must be a count and a window, like 10\/1h/],
    ['RATE_LIMIT_SIGNUP_PER_IP', '10/500ms', /RATE_LIMIT_SIGNUP_PER_IP must be/],
    ['TLS_CERT_FILE', '/etc/hostname', /^Invalid configuration: TLS_KEY_FILE must be set too when TLS_CERT_FILE is \(both or neither\)\.$/],
    ['TLS_KEY_FILE', '/etc/hostname', /^Invalid configuration: TLS_CERT_FILE must be set too when TLS_KEY_FILE is \(both or neither\)\.$/],
  ])('%s=%s fails with one line naming it', (name, value, pattern) => {
    try {
      loadConfig({ [name]: value });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const lines = (e as Error).message.split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(pattern);
      expect(lines[0]).toContain(name);
    }
  });

  it('reports each wrong variable on its own line', () => {
    expect(() => loadConfig({ PORT: 'x', COLLAB_PORT: 'y' })).toThrow(/PORT.*\n.*COLLAB_PORT/);
  });

  it('reads the trusted proxies and the per-address limits', () => {
    expect(loadConfig({})).toMatchObject({
      trustProxy: { kind: 'none' },
      authLimits: { loginPerIp: { limit: 30, windowMs: 15 * 60_000 }, signupPerIp: { limit: 10, windowMs: 3_600_000 } },
    });
    expect(loadConfig({ TRUST_PROXY: '1', RATE_LIMIT_LOGIN_PER_IP: '100/1h', RATE_LIMIT_SIGNUP_PER_IP: '3 / 90' })).toMatchObject({
      trustProxy: { kind: 'hops', hops: 1 },
      authLimits: { loginPerIp: { limit: 100, windowMs: 3_600_000 }, signupPerIp: { limit: 3, windowMs: 90_000 } },
    });
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toMatchObject({ kind: 'addresses', ranges: [{ address: '127.0.0.0' }, { address: '::1' }, { address: '10.0.0.0', prefix: 8 }] });
  });

  describe('TLS', () => {
    const a = makeCertificate();
    const b = makeCertificate();

    it('with a certificate and its key, serves https: the origin, cookies and collab URL follow', () => {
      const c = loadConfig({ TLS_CERT_FILE: a.certFile, TLS_KEY_FILE: a.keyFile, PORT: '4443', COLLAB_PORT: '4444' });
      expect(c).toMatchObject({
        tls: { certFile: a.certFile, keyFile: a.keyFile },
        appOrigin: 'https://localhost:4443',
        allowedOrigins: ['https://localhost:4443'],
        collabUrl: 'wss://localhost:4444',
        secureCookies: true,
      });
      expect(loadConfig({}).tls).toBeUndefined();
      // An explicit https origin (e.g. the public name) is kept.
      expect(loadConfig({ TLS_CERT_FILE: a.certFile, TLS_KEY_FILE: a.keyFile, APP_ORIGIN: 'https://docs.example.com' })).toMatchObject({ appOrigin: 'https://docs.example.com', collabUrl: 'wss://docs.example.com:1234' });
    });

    it('refuses files that are missing, not PEM, or do not belong together, one line each', () => {
      expect(oneLine({ TLS_CERT_FILE: path.join(a.dir, 'nope.pem'), TLS_KEY_FILE: a.keyFile })).toBe(
        `Invalid configuration: TLS_CERT_FILE must be a readable PEM certificate file (got ${JSON.stringify(path.join(a.dir, 'nope.pem'))}: no such file).`,
      );
      expect(oneLine({ TLS_CERT_FILE: a.keyFile, TLS_KEY_FILE: a.keyFile })).toMatch(/^Invalid configuration: TLS_CERT_FILE must be a readable PEM certificate file \(got ".*key\.pem": no PEM certificate in it\)\.$/);
      expect(oneLine({ TLS_CERT_FILE: a.certFile, TLS_KEY_FILE: a.certFile })).toMatch(/^Invalid configuration: TLS_KEY_FILE must be a readable PEM private key file \(not encrypted\) \(got ".*cert\.pem": no unencrypted PEM private key in it\)\.$/);
      expect(oneLine({ TLS_CERT_FILE: a.certFile, TLS_KEY_FILE: a.dir })).toMatch(/TLS_KEY_FILE must be a readable PEM private key file \(got ".*": a directory\)/);
      expect(oneLine({ TLS_CERT_FILE: a.certFile, TLS_KEY_FILE: b.keyFile })).toMatch(/^Invalid configuration: TLS_KEY_FILE must be the private key of the certificate in TLS_CERT_FILE \(got ".*": a different key\)\.$/);
      const broken = path.join(a.dir, 'broken.pem');
      fs.writeFileSync(broken, '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n');
      expect(oneLine({ TLS_CERT_FILE: broken, TLS_KEY_FILE: a.keyFile })).toMatch(/TLS_CERT_FILE must be a readable PEM certificate file \(got ".*broken\.pem": the certificate cannot be parsed\)/);
    });

    it('refuses a plain http origin while serving TLS', () => {
      expect(oneLine({ TLS_CERT_FILE: a.certFile, TLS_KEY_FILE: a.keyFile, APP_ORIGIN: 'http://localhost:3000' })).toBe(
        'Invalid configuration: APP_ORIGIN must be an https:// origin when TLS_CERT_FILE and TLS_KEY_FILE are set (got "http://localhost:3000").',
      );
    });
  });

  it('refuses an idle timeout longer than the maximum age', () => {
    expect(() => loadConfig({ SESSION_IDLE_TIMEOUT: '10d', SESSION_MAX_AGE: '1d' })).toThrow(/SESSION_IDLE_TIMEOUT must be no longer than SESSION_MAX_AGE/);
  });

  it('parses durations and origins strictly', () => {
    expect(parseDuration('90')).toBe(90_000);
    expect(parseDuration('12h')).toBe(12 * 3_600_000);
    expect(parseDuration('1.5h')).toBeUndefined();
    expect(parseOrigin('https://EXAMPLE.com')).toBeUndefined();
    expect(parseOrigin('https://example.com/')).toBe('https://example.com');
    expect(parseOrigin('ftp://example.com')).toBeUndefined();
  });
});
