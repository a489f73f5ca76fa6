import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * Where the connection to Redis stands. While `down`, publishing is skipped (not queued: a late
 * burst of stale messages helps nobody) and the cluster heals by resync once `ready` again.
 */
export type BusState = { kind: 'connecting' } | { kind: 'ready'; since: number } | { kind: 'down'; since: number };

export interface BusHandlers {
  message(channel: string, payload: Uint8Array): void;
  /** Ready again after being down: messages may have been missed on every channel. */
  reconnected(): void;
}

/**
 * Redis pub/sub for the cluster: one connection subscribes, another publishes and takes locks.
 * Both reconnect on their own for as long as the server runs.
 */
export class RedisBus {
  state: BusState = { kind: 'connecting' };
  private readonly sub: Redis;
  readonly cmd: Redis;
  private handlers: BusHandlers | undefined;
  private everReady = false;
  /** Channels we want; (re)subscribed whenever the subscriber connection becomes ready. */
  private readonly channels = new Set<string>();

  constructor(
    url: string,
    private readonly log: Logger,
  ) {
    const options = {
      // Reconnect quickly (at most every second) and forever.
      retryStrategy: (times: number) => Math.min(times * 100, 1000),
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      lazyConnect: true,
    };
    this.sub = new Redis(url, { ...options, autoResubscribe: false, connectionName: 'tandem-sub' });
    this.cmd = new Redis(url, { ...options, connectionName: 'tandem-pub' });
    this.sub.on('messageBuffer', (channel: Buffer, message: Buffer) => this.handlers?.message(channel.toString(), new Uint8Array(message.buffer, message.byteOffset, message.byteLength)));
    this.sub.on('ready', () => {
      if (this.channels.size > 0) this.sub.subscribe(...this.channels).catch(() => {});
      this.onReady();
    });
    this.cmd.on('ready', () => this.onReady());
    for (const c of [this.sub, this.cmd]) {
      c.on('error', (err: Error) => this.log.debug({ err: err.message }, 'redis error'));
      c.on('close', () => this.onDown());
    }
  }

  async start(handlers: BusHandlers): Promise<void> {
    this.handlers = handlers;
    // Start even when Redis is away: the server serves its own clients and catches up later.
    await Promise.allSettled([this.sub.connect(), this.cmd.connect()]);
  }

  /** Both connections are up: from here on nothing is missed (until the next drop). */
  private onReady(): void {
    if (this.sub.status !== 'ready' || this.cmd.status !== 'ready' || this.state.kind === 'ready') return;
    const again = this.everReady;
    this.everReady = true;
    this.state = { kind: 'ready', since: Date.now() };
    if (again) {
      this.log.info('redis is back; resyncing open documents');
      this.handlers?.reconnected();
    }
  }

  private onDown(): void {
    if (this.state.kind === 'down') return;
    if (this.state.kind === 'ready') this.log.warn('lost redis; serving local clients only until it returns');
    this.state = { kind: 'down', since: Date.now() };
  }

  get ready(): boolean {
    return this.state.kind === 'ready' && this.cmd.status === 'ready' && this.sub.status === 'ready';
  }

  /** Resolves once subscribed (or at once while down: the channel is subscribed on reconnect). */
  async subscribe(channel: string): Promise<void> {
    this.channels.add(channel);
    if (this.sub.status === 'ready') await this.sub.subscribe(channel).catch(() => {});
  }

  unsubscribe(channel: string): void {
    this.channels.delete(channel);
    if (this.sub.status === 'ready') this.sub.unsubscribe(channel).catch(() => {});
  }

  /** Fire and forget: a message lost here shows up as a sequence gap and is healed. */
  publish(channel: string, payload: Uint8Array): void {
    if (!this.ready) return;
    this.cmd.publish(channel, Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)).catch(() => {});
  }

  async close(): Promise<void> {
    this.handlers = undefined;
    this.sub.disconnect();
    this.cmd.disconnect();
  }
}
