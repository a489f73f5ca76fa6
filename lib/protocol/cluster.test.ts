import { describe, expect, it } from 'vitest';
import { ProtocolError, decodeClusterMessage, encodeClusterMessage, type ClusterMessage } from '.';

describe('cluster messages', () => {
  const samples: ClusterMessage[] = [
    { type: 'update', from: 'a', seq: 1, update: new Uint8Array([1, 2, 3]) },
    { type: 'awareness', from: 'b', seq: 2, update: new Uint8Array([4]) },
    { type: 'durable', from: 'c', seq: 3, upto: 2 },
    { type: 'heads', from: 'd', seq: 40 },
    { type: 'sync-request', from: 'e', seq: 5, stateVector: new Uint8Array([0]), answer: true },
    { type: 'sync-request', from: 'e', seq: 6, stateVector: new Uint8Array([0]), answer: false },
    { type: 'sync-reply', from: 'f', seq: 7, to: 'e', update: new Uint8Array([0, 0]) },
  ];

  it('round-trips every message type', () => {
    for (const m of samples) expect(decodeClusterMessage(encodeClusterMessage(m))).toEqual(m);
  });

  it('rejects unknown types, truncation and trailing bytes with a ProtocolError', () => {
    expect(() => decodeClusterMessage(new Uint8Array([99, 1, 97, 0]))).toThrow(ProtocolError);
    for (const m of samples) {
      const bytes = encodeClusterMessage(m);
      if (m.type !== 'heads') expect(() => decodeClusterMessage(bytes.slice(0, -1))).toThrow(ProtocolError);
      expect(() => decodeClusterMessage(new Uint8Array([...bytes, 0]))).toThrow(ProtocolError);
    }
    expect(() => decodeClusterMessage(new Uint8Array([]))).toThrow(ProtocolError);
  });
});
