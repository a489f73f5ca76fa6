import { describe, expect, it } from 'vitest';
import { ConnectionCaps, ConnectionRate, rateSpec } from './limits';

describe('ConnectionRate as a token bucket (bytes: 10/s, burst 20; messages unlimited)', () => {
  it('allows a burst, then the sustained rate', () => {
    const r = new ConnectionRate({ messagesPerSecond: 1e9, messageBurst: 1e9, bytesPerSecond: 10, byteBurst: 20 }, 0);
    const b = { take: (n: number, now: number) => r.allow(n, now) };
    for (let i = 0; i < 20; i++) expect(b.take(1, 0)).toBe(true);
    expect(b.take(1, 0)).toBe(false);
    expect(b.take(1, 50)).toBe(false);
    expect(b.take(1, 100)).toBe(true);
    expect(b.take(5, 1000)).toBe(true);
    expect(b.take(100, 10_000)).toBe(false);
  });
});

describe('ConnectionRate', () => {
  const limits = { messagesPerSecond: 100, bytesPerSecond: 1000, maxConnectionsPerUser: 1, maxConnectionsPerDocument: 1, maxBufferedBytes: 1 };
  it('limits messages per second', () => {
    const r = new ConnectionRate(rateSpec(limits, 10), 0);
    let allowed = 0;
    for (let i = 0; i < 1000; i++) if (r.allow(1, 0)) allowed++;
    expect(allowed).toBe(500);
  });
  it('lets one maximum-size message through but limits sustained bytes', () => {
    const r = new ConnectionRate(rateSpec(limits, 8000), 0);
    expect(r.allow(8000, 0)).toBe(true);
    expect(r.allow(1000, 0)).toBe(false);
    expect(r.allow(1000, 1000)).toBe(true);
  });
});

describe('ConnectionCaps', () => {
  it('caps connections per account and per document, and frees slots on release', () => {
    const caps = new ConnectionCaps({ maxConnectionsPerUser: 2, maxConnectionsPerDocument: 3 });
    expect(caps.admit('u1', 'd1')).toEqual({ ok: true });
    expect(caps.admit('u1', 'd2')).toEqual({ ok: true });
    expect(caps.admit('u1', 'd3')).toEqual({ ok: false, reason: 'user' });
    expect(caps.admit('u2', 'd1')).toEqual({ ok: true });
    expect(caps.admit('u3', 'd1')).toEqual({ ok: true });
    expect(caps.admit('u4', 'd1')).toEqual({ ok: false, reason: 'document' });
    caps.release('u1', 'd1');
    expect(caps.admit('u4', 'd1')).toEqual({ ok: true });
    expect(caps.admit('u1', 'd3')).toEqual({ ok: true });
  });
});
