import type { Peer } from './peer';

/**
 * What acknowledgements need from their room. One per room, shared by the PeerAcks of all its
 * connections: three closures per connection would cost more than the counters themselves.
 */
export interface AckHost {
  /** Sends `peer` the ack frame for `count`; only called while `serves(peer)`. */
  sendAck(peer: Peer, count: number): void;
  /** Whether `peer` is still in an open room (a closed one is owed nothing). */
  serves(peer: Peer): boolean;
  /** Observes each update's time from arrival to durable, in seconds. */
  observeAck?(seconds: number): void;
}

/**
 * The durable acknowledgements one connection is owed (server/PROTOCOL.md, message 100). Its
 * update-bearing messages are counted as they arrive; each count is acknowledged once the write
 * holding that update has committed. Acks are cumulative, so updates that share a write (one
 * commit) share one reaction to it, and only the highest settled count is sent.
 */
export class PeerAcks {
  /** Update-bearing messages received so far; acknowledgements count these. */
  private received = 0;
  /** Highest count known durable and not yet acknowledged; 0 when no ack is scheduled. */
  private due = 0;
  /** The write the latest updates wait on, their count, and when each arrived. */
  private waiting: { write: Promise<void>; seq: number; since: number[] } | undefined;

  constructor(
    readonly peer: Peer,
    private readonly host: AckHost,
  ) {}

  /** Counts `n` update-bearing messages; returns the sequence number of the last. */
  count(n = 1): number {
    return (this.received += n);
  }

  /** Acknowledges `seq` (which arrived at `t0`, performance.now()) once `write` has settled. */
  after(write: Promise<void>, seq: number, t0: number): void {
    const w = this.waiting;
    if (w?.write === write) {
      w.seq = seq;
      w.since.push(t0);
      return;
    }
    const next = { write, seq, since: [t0] };
    this.waiting = next;
    write.then(
      () => {
        if (this.waiting === next) this.waiting = undefined;
        if (!this.host.serves(this.peer)) return;
        const now = performance.now();
        if (this.host.observeAck) for (const t of next.since) this.host.observeAck((now - t) / 1000);
        // One commit settles many writes at once: send the highest after all of them have
        // settled (queued behind their reactions).
        if (this.due === 0) queueMicrotask(() => this.flush());
        this.due = Math.max(this.due, next.seq);
      },
      // A failed write fails the room (see Room.fail); nothing is acknowledged.
      () => {},
    );
  }

  private flush(): void {
    const count = this.due;
    this.due = 0;
    if (count > 0 && this.host.serves(this.peer)) this.host.sendAck(this.peer, count);
  }
}
