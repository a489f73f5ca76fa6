import { describe, expect, it } from 'vitest';
import type { AwarenessEntry } from '../lib/protocol';
import { AwarenessOwners } from './awareness-owners';
import type { Peer } from './peer';

const peer = (userId: string) => ({ identity: { userId, name: userId, color: '#000' } }) as unknown as Peer;
const entry = (clientId: number, state: Record<string, unknown> | null = { x: 1 }): AwarenessEntry => ({ clientId, clock: 1, state });

describe('awareness owners', () => {
  it('gives each client id to the first connection that announces it, until it leaves', () => {
    const o = new AwarenessOwners();
    const a = peer('a');
    const b = peer('b');
    expect(o.claim(a, [entry(1), entry(2)]).map((e) => e.clientId)).toEqual([1, 2]);
    expect(o.claim(b, [entry(1), entry(3)]).map((e) => e.clientId)).toEqual([3]);
    expect(o.claim(b, [entry(2, null)])).toEqual([]);
    expect(o.release(a).sort()).toEqual([1, 2]);
    expect(o.claim(b, [entry(1)]).map((e) => e.clientId)).toEqual([1]);
    expect(o.localIds().sort()).toEqual([1, 3]);
  });

  it('keeps remote states from overriding local ones, and lets only the same account take a remote id over', () => {
    const o = new AwarenessOwners();
    const a = peer('a');
    o.claim(a, [entry(1)]);
    expect(o.admitRemote([entry(1), entry(5, { user: { id: 'u5' } }), entry(6, { user: { id: 'u6' } })]).map((e) => e.clientId)).toEqual([5, 6]);
    // Another account cannot speak for remote client 5; its own account can (failover).
    expect(o.claim(peer('intruder'), [entry(5)])).toEqual([]);
    expect(o.claim(peer('u5'), [entry(5)]).map((e) => e.clientId)).toEqual([5]);
    // A removal from the other server frees the id.
    o.admitRemote([entry(6, null)]);
    expect(o.claim(peer('anyone'), [entry(6)]).map((e) => e.clientId)).toEqual([6]);
  });
});
