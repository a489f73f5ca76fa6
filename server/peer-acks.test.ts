import { describe, expect, it } from 'vitest';
import type { Peer } from './peer';
import { PeerAcks, type AckHost } from './peer-acks';

function deferred() {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}
const settle = () => new Promise((r) => setTimeout(r, 0));
const peer = { id: 'p' } as Peer;

/** A host that records the acks sent to `peer`, and serves it while `live()`. */
function host(sent: number[], live = () => true, observe?: (s: number) => void): AckHost {
  return {
    sendAck: (p, n) => {
      expect(p).toBe(peer);
      sent.push(n);
    },
    serves: (p) => p === peer && live(),
    observeAck: observe,
  };
}

describe('PeerAcks', () => {
  it('counts a run of messages at once and numbers them on', async () => {
    const sent: number[] = [];
    const acks = new PeerAcks(peer, host(sent));
    expect(acks.count(3)).toBe(3);
    expect(acks.count()).toBe(4);
    acks.after(Promise.resolve(), 4, performance.now());
    await settle();
    expect(sent).toEqual([4]);
  });

  it('acknowledges only after the write commits, once per commit, with the highest count', async () => {
    const sent: number[] = [];
    const observed: number[] = [];
    const acks = new PeerAcks(peer, host(sent, () => true, (s) => observed.push(s)));
    const first = deferred();
    acks.after(first.promise, acks.count(), performance.now());
    acks.after(first.promise, acks.count(), performance.now());
    const second = deferred();
    acks.after(second.promise, acks.count(), performance.now());
    await settle();
    expect(sent).toEqual([]);
    second.resolve();
    first.resolve();
    await settle();
    expect(sent).toEqual([3]);
    expect(observed).toHaveLength(3);
  });

  it('sends nothing for a failed write or to a connection that left', async () => {
    const sent: number[] = [];
    let live = true;
    const acks = new PeerAcks(peer, host(sent, () => live));
    const failed = deferred();
    acks.after(failed.promise, acks.count(), 0);
    failed.reject(new Error('disk full'));
    await settle();
    expect(sent).toEqual([]);
    const ok = deferred();
    acks.after(ok.promise, acks.count(), 0);
    live = false;
    ok.resolve();
    await settle();
    expect(sent).toEqual([]);
  });
});
