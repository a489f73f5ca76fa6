import { describe, expect, it } from 'vitest';
import {
  CLIENT_IP_HEADER,
  addressBucket,
  announceClientIpHeader,
  clientIp,
  normalizeIp,
  parseTrustProxy,
  trustedClientIp,
  type TrustProxy,
} from './client-ip';

const trust = (v: string): TrustProxy => {
  const t = parseTrustProxy(v);
  if (!t) throw new Error(`bad TRUST_PROXY ${v}`);
  return t;
};

describe('TRUST_PROXY', () => {
  it.each([
    ['0', { kind: 'none' }],
    ['1', { kind: 'hops', hops: 1 }],
    [' 2 ', { kind: 'hops', hops: 2 }],
    ['10.0.0.1', { kind: 'addresses', ranges: [{ address: '10.0.0.1', prefix: 32, family: 'ipv4' }] }],
    ['10.0.0.0/8, 2001:DB8::/32', { kind: 'addresses', ranges: [{ address: '10.0.0.0', prefix: 8, family: 'ipv4' }, { address: '2001:db8::', prefix: 32, family: 'ipv6' }] }],
    ['::ffff:192.168.1.1', { kind: 'addresses', ranges: [{ address: '192.168.1.1', prefix: 32, family: 'ipv4' }] }],
    ['loopback', { kind: 'addresses', ranges: [{ address: '127.0.0.0', prefix: 8, family: 'ipv4' }, { address: '::1', prefix: 128, family: 'ipv6' }] }],
  ])('%j parses', (value, expected) => {
    expect(parseTrustProxy(value)).toEqual(expected);
  });

  it.each(['true', '-1', '21', '1.5', '10.0.0.0/33', '::/129', '10.0.0.0/8/1', 'proxy.example', '10.0.0.1,', '10.0.0.1,,10.0.0.2', '10.0.0.0/x', ''])('%j is refused', (value) => {
    expect(parseTrustProxy(value)).toBeUndefined();
  });
});

describe('client address', () => {
  // [TRUST_PROXY, socket peer, X-Forwarded-For, expected client]
  it.each<[string, string | undefined, string | undefined, string]>([
    // Nothing trusted: the peer, whatever the headers say.
    ['0', '203.0.113.5', '198.51.100.1', '203.0.113.5'],
    ['0', '::ffff:203.0.113.5', undefined, '203.0.113.5'],
    ['0', '2001:DB8::1', undefined, '2001:db8::1'],
    ['0', undefined, '198.51.100.1', 'unknown'],
    // One hop: the element the proxy appended; what the client put before it is ignored.
    ['1', '10.0.0.2', '198.51.100.1', '198.51.100.1'],
    ['1', '10.0.0.2', 'spoofed, 198.51.100.1', '198.51.100.1'],
    ['1', '10.0.0.2', '1.1.1.1,198.51.100.1', '198.51.100.1'],
    ['1', '10.0.0.2', undefined, '10.0.0.2'],
    ['1', '10.0.0.2', '', '10.0.0.2'],
    ['1', '10.0.0.2', '198.51.100.1:4711', '198.51.100.1'],
    ['1', '10.0.0.2', '[2001:db8::7]:443', '2001:db8::7'],
    ['1', '10.0.0.2', 'not-an-address', '10.0.0.2'],
    // Two hops: CDN then nginx.
    ['2', '10.0.0.2', 'spoofed, 198.51.100.1, 10.0.0.9', '198.51.100.1'],
    ['2', '10.0.0.2', '10.0.0.9', '10.0.0.9'],
    ['2', '10.0.0.2', 'garbage, 10.0.0.9', '10.0.0.9'],
    // Listed proxies: walk left while the current hop is a listed proxy.
    ['10.0.0.0/8', '10.0.0.2', '198.51.100.1', '198.51.100.1'],
    ['10.0.0.0/8', '10.0.0.2', '198.51.100.1, 10.1.2.3', '198.51.100.1'],
    ['10.0.0.0/8', '10.0.0.2', '10.9.9.9, 10.1.2.3', '10.9.9.9'],
    ['10.0.0.0/8', '10.0.0.2', '6.6.6.6, 198.51.100.1, 10.1.2.3', '198.51.100.1'],
    ['10.0.0.0/8', '203.0.113.5', '198.51.100.1', '203.0.113.5'],
    ['10.0.0.0/8', '::ffff:10.0.0.2', '198.51.100.1', '198.51.100.1'],
    ['10.0.0.0/8', '10.0.0.2', 'x, 10.1.2.3', '10.1.2.3'],
    ['loopback', '::1', '198.51.100.1', '198.51.100.1'],
    ['loopback', '127.0.0.1', '2001:db8::1', '2001:db8::1'],
    ['2001:db8::/32', '2001:db8::1', '198.51.100.1', '198.51.100.1'],
    ['10.0.0.1', '10.0.0.2', '198.51.100.1', '10.0.0.2'],
  ])('TRUST_PROXY=%s, peer %s, X-Forwarded-For %j → %s', (t, peer, xff, expected) => {
    expect(clientIp(peer, xff, trust(t))).toBe(expected);
  });

  it('reads repeated X-Forwarded-For headers as one list', () => {
    expect(clientIp('10.0.0.2', ['6.6.6.6', '198.51.100.1'], trust('1'))).toBe('198.51.100.1');
  });

  it('normalises addresses and rejects anything else', () => {
    expect(normalizeIp('::FFFF:10.1.2.3')).toBe('10.1.2.3');
    expect(normalizeIp(' 10.1.2.3 ')).toBe('10.1.2.3');
    expect(normalizeIp('10.1.2')).toBeUndefined();
    expect(normalizeIp('<script>')).toBeUndefined();
    expect(normalizeIp(undefined)).toBeUndefined();
  });
});

describe('address buckets for per-address limits', () => {
  it.each([
    ['203.0.113.5', '203.0.113.5'],
    ['2001:db8:aa:bb:1:2:3:4', '2001:db8:aa:bb::/64'],
    ['2001:db8:aa:bb::ffff', '2001:db8:aa:bb::/64'],
    ['2001:0db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['64:ff9b::1.2.3.4', '64:ff9b:0:0::/64'],
  ])('%s → %s', (ip, bucket) => {
    expect(addressBucket(ip)).toBe(bucket);
  });
});

describe('the trusted header', () => {
  it('is ignored until the web server announces itself in this process, then read and validated', () => {
    const h = new Headers({ [CLIENT_IP_HEADER]: '198.51.100.1' });
    expect(trustedClientIp(h)).toBeUndefined();
    announceClientIpHeader();
    expect(trustedClientIp(h)).toBe('198.51.100.1');
    expect(trustedClientIp(new Headers({ [CLIENT_IP_HEADER]: 'unknown' }))).toBeUndefined();
    expect(trustedClientIp(new Headers())).toBeUndefined();
  });
});
