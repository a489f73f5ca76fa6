import crypto from 'node:crypto';
import type { Redis } from 'ioredis';
import type { CompactionOutcome } from '../compaction/compact';
import type { Compactor } from '../compaction/worker-client';

/** Lock lifetime; renewed while the compaction runs, so a dead holder frees it within this. */
const LOCK_MS = 30_000;
const RENEW_MS = 10_000;

// Release and renew only our own lock: the token proves it is still ours.
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

export const compactionLockKey = (documentId: string) => `tandem:compact:${documentId}`;

/**
 * Exactly one server compacts a document at a time: a Redis lock (SET NX PX with a random
 * token) around the inner compactor. Without Redis no lock can be taken, so nothing is
 * compacted until it returns; skipping is always safe (the log just stays longer), whereas two
 * compactions at once would only be saved from harm by the snapshot's compare-and-set.
 */
export class LockedCompactor implements Compactor {
  constructor(
    private readonly inner: Compactor,
    private readonly redis: Redis,
    private readonly ready: () => boolean,
  ) {}

  async run(documentId: string): Promise<CompactionOutcome> {
    if (!this.ready()) return { kind: 'elsewhere' };
    const key = compactionLockKey(documentId);
    const token = crypto.randomBytes(12).toString('base64url');
    let got: string | null;
    try {
      got = await this.redis.set(key, token, 'PX', LOCK_MS, 'NX');
    } catch {
      return { kind: 'elsewhere' };
    }
    if (got !== 'OK') return { kind: 'elsewhere' };
    const renew = setInterval(() => void this.redis.eval(RENEW, 1, key, token, String(LOCK_MS)).catch(() => {}), RENEW_MS);
    renew.unref();
    try {
      return await this.inner.run(documentId);
    } finally {
      clearInterval(renew);
      await this.redis.eval(RELEASE, 1, key, token).catch(() => {});
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
