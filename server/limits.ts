import type { Limits } from '../lib/config';

/** The rates and bursts of the per-connection limits: computed once, shared by every connection. */
export interface RateSpec {
  messagesPerSecond: number;
  messageBurst: number;
  bytesPerSecond: number;
  /** At least one message of the maximum size, however low the byte rate. */
  byteBurst: number;
}

export function rateSpec(limits: Pick<Limits, 'messagesPerSecond' | 'bytesPerSecond'>, maxMessageBytes: number): RateSpec {
  return {
    messagesPerSecond: limits.messagesPerSecond,
    messageBurst: limits.messagesPerSecond * 5,
    bytesPerSecond: limits.bytesPerSecond,
    byteBurst: Math.max(limits.bytesPerSecond * 5, maxMessageBytes),
  };
}

/**
 * Per-connection rate limits on messages and bytes: two token buckets (`rate` tokens per
 * second, holding at most `burst`) in one object with one clock, their rates read from the
 * shared spec. Every connection holds one, idle ones too, so it is kept to a single small
 * object. A refused message takes nothing from either bucket.
 */
export class ConnectionRate {
  private messages: number;
  private bytes: number;
  private last: number;

  constructor(
    private readonly spec: RateSpec,
    now = Date.now(),
  ) {
    this.messages = spec.messageBurst;
    this.bytes = spec.byteBurst;
    this.last = now;
  }

  /** False when this message exceeds the connection's rate. */
  allow(size: number, now = Date.now()): boolean {
    const s = this.spec;
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.last = now;
    this.messages = Math.min(s.messageBurst, this.messages + elapsed * s.messagesPerSecond);
    this.bytes = Math.min(s.byteBurst, this.bytes + elapsed * s.bytesPerSecond);
    if (this.messages < 1 || size > this.bytes) return false;
    this.messages -= 1;
    this.bytes -= size;
    return true;
  }
}

export type Admission = { ok: true } | { ok: false; reason: 'user' | 'document' };

/** Counts open connections per account and per document, to cap both. */
export class ConnectionCaps {
  private readonly perUser = new Map<string, number>();
  private readonly perDoc = new Map<string, number>();

  constructor(private readonly limits: Pick<Limits, 'maxConnectionsPerUser' | 'maxConnectionsPerDocument'>) {}

  /** Reserves a slot, or says which cap is full. Release every reserved slot exactly once. */
  admit(userId: string, documentId: string): Admission {
    if ((this.perUser.get(userId) ?? 0) >= this.limits.maxConnectionsPerUser) return { ok: false, reason: 'user' };
    if ((this.perDoc.get(documentId) ?? 0) >= this.limits.maxConnectionsPerDocument) return { ok: false, reason: 'document' };
    this.perUser.set(userId, (this.perUser.get(userId) ?? 0) + 1);
    this.perDoc.set(documentId, (this.perDoc.get(documentId) ?? 0) + 1);
    return { ok: true };
  }

  release(userId: string, documentId: string): void {
    decrement(this.perUser, userId);
    decrement(this.perDoc, documentId);
  }
}

function decrement(m: Map<string, number>, key: string): void {
  const n = (m.get(key) ?? 0) - 1;
  if (n > 0) m.set(key, n);
  else m.delete(key);
}
