import * as decoding from 'lib0/decoding';
import type { WebsocketProvider } from 'y-websocket';
import type * as Y from 'yjs';
import { MessageType, SyncType } from '../protocol/messages';

/** What `save-status` shows. */
export type SaveState =
  | { kind: 'connecting' }
  | { kind: 'saving' }
  | { kind: 'saved' }
  | { kind: 'offline' }
  | { kind: 'error'; code: number; reason: string };

/** Words for each close code the server uses to refuse a connection for good. */
export function finalCloseMessage(code: number, reason: string): string {
  switch (code) {
    case 4401:
      return 'Your session has expired. Log in again to keep editing.';
    case 4403:
      return reason === 'origin not allowed' ? 'This page is not allowed to open the document.' : 'You do not have access to this document.';
    case 4404:
      return 'This document does not exist or was deleted.';
    default:
      return reason || `The server closed the connection (${code}).`;
  }
}

/**
 * Words for the close codes with which the server refuses what a client sent, while the
 * client keeps retrying (they are not final): the user should know why nothing gets saved.
 */
export function refusalMessage(code: number): string | null {
  switch (code) {
    case 1009:
      return 'A change is too large for the server to accept. Undo it or split it into smaller pieces.';
    case 1008:
      return 'The server is limiting this connection (too much, too fast). Retrying…';
    case 1007:
      return 'The server rejected a change it could not read. Retrying…';
    default:
      return null;
  }
}

type SocketClass = new (url: string, protocols?: string | string[]) => WebSocket;

/** The sync sub-type of an outgoing update-bearing frame (step 2 or update), else null. */
function updateFrameKind(data: unknown): number | null {
  const bytes = data instanceof Uint8Array ? data : data instanceof ArrayBuffer ? new Uint8Array(data) : null;
  if (!bytes || bytes.length < 2 || bytes[0] !== MessageType.Sync) return null;
  return bytes[1] === SyncType.Step2 || bytes[1] === SyncType.Update ? bytes[1] : null;
}

/**
 * Tracks which local changes the server has made durable.
 *
 * Local changes are numbered 1, 2, 3… On each socket, every update-bearing frame gets a
 * watermark: the highest local change number n such that changes 1..n all travel in frames
 * sent on this socket (or were durable before it opened). The server's `ack(k)` ("your first
 * k update-bearing frames are durable") makes the watermark of frame k durable. A sync step 2
 * answers the server's state vector, so it carries every local change the server lacks.
 */
export class SaveTracker {
  private local = 0;
  private durable = 0;
  /** Changes 1..carried travel on the current socket. */
  private carried = 0;
  /** Watermarks of this socket's unacknowledged frames; `ackBase` frames were acknowledged before them. */
  private watermarks: number[] = [];
  private ackBase = 0;
  private connected = false;
  private synced = false;
  private fatal: Extract<SaveState, { kind: 'error' }> | null = null;
  /** The last connection was closed because the server refused what it got; cleared by progress. */
  private refused: Extract<SaveState, { kind: 'error' }> | null = null;
  private current: SaveState = { kind: 'connecting' };
  private provider: WebsocketProvider | null = null;
  private readonly ignored = new Set<unknown>();
  private readonly listeners = new Set<(s: SaveState) => void>();
  private waiters: { target: number; resolve: () => void }[] = [];

  get state(): SaveState {
    return this.current;
  }

  /** Local changes so far. */
  get localChanges(): number {
    return this.local;
  }

  /** How many of the local changes (counting from the first) the server has made durable. */
  get durableChanges(): number {
    return this.durable;
  }

  /** Whether local changes are waiting for the server. */
  get pending(): boolean {
    return this.durable < this.local;
  }

  subscribe(fn: (s: SaveState) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Resolves once every local change made so far is durable on the server. */
  whenDurable(target = this.local): Promise<void> {
    if (this.durable >= target) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ target, resolve }));
  }

  /** Updates with this origin (e.g. a local cache replaying known content) are not local changes. */
  ignoreOrigin(origin: unknown): void {
    this.ignored.add(origin);
  }

  /** Forgets a read-only refusal (the role became editor); true if there was one. */
  clearReadOnlyRefusal(): boolean {
    if (this.fatal?.code !== 0) return false;
    this.fatal = null;
    this.update();
    return true;
  }

  /** Counts one local change that happened before this tracker existed (e.g. kept offline). */
  markUnsaved(): void {
    this.local += 1;
    this.update();
  }

  /**
   * Starts counting local changes of `doc`. Must run before the provider is created, so that
   * a change is counted before the provider's own listener sends it.
   */
  observe(doc: Y.Doc): () => void {
    const onUpdate = (_u: Uint8Array, origin: unknown) => {
      if ((this.provider && origin === this.provider) || this.ignored.has(origin)) return;
      this.local += 1;
      this.update();
    };
    doc.on('update', onUpdate);
    return () => doc.off('update', onUpdate);
  }

  /** A socket class for `WebsocketProvider`'s `WebSocketPolyfill` that reports what it sends. */
  socketClass(Base: SocketClass): SocketClass {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const tracker = this;
    return class TrackedSocket extends Base {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols);
        tracker.newSocket();
      }
      send(data: string | ArrayBufferLike | Blob | ArrayBufferView) {
        super.send(data);
        const kind = updateFrameKind(data);
        if (kind !== null) tracker.onFrameSent(kind);
      }
    };
  }

  /** Wires the tracker to the provider's status, sync, close and acknowledgement messages. */
  attach(provider: WebsocketProvider): () => void {
    this.provider = provider;
    provider.messageHandlers[MessageType.Ack] = (_enc, dec) => this.onAck(decoding.readVarUint(dec));
    const origDenied = provider.messageHandlers[MessageType.Auth];
    provider.messageHandlers[MessageType.Auth] = (enc, dec, p, emitSynced, type) => {
      const peek = decoding.clone(dec);
      if (decoding.readVarUint(peek) === 0) {
        const reason = decoding.readVarString(peek);
        if (this.pending) {
          const text = reason.startsWith('read-only') ? 'You can view this document but not edit it; your changes were not saved.' : reason;
          this.fatal = { kind: 'error', code: 0, reason: text };
        }
        this.update();
      }
      origDenied(enc, dec, p, emitSynced, type);
    };
    const onStatus = ({ status }: { status: string }) => {
      this.connected = status === 'connected';
      if (!this.connected) this.synced = false;
      this.update();
    };
    const onSync = (s: boolean) => {
      this.synced = s;
      this.update();
    };
    const onClosed = (e: { code: number; reason: string }) => {
      this.fatal = { kind: 'error', code: e.code, reason: finalCloseMessage(e.code, e.reason) };
      this.update();
    };
    const onConnectionClose = (e: { code: number } | null) => {
      const text = e ? refusalMessage(e.code) : null;
      if (!text || !e) return;
      this.refused = { kind: 'error', code: e.code, reason: text };
      this.update();
    };
    provider.on('status', onStatus);
    provider.on('sync', onSync);
    provider.on('closed', onClosed);
    provider.on('connection-close', onConnectionClose);
    this.connected = provider.wsconnected;
    this.synced = provider.synced;
    this.update();
    return () => {
      provider.off('status', onStatus);
      provider.off('sync', onSync);
      provider.off('closed', onClosed);
      provider.off('connection-close', onConnectionClose);
    };
  }

  private newSocket(): void {
    // Frames of the old socket that were never acknowledged must travel again.
    this.carried = this.durable;
    this.watermarks = [];
    this.ackBase = 0;
  }

  private onFrameSent(kind: number): void {
    if (kind === SyncType.Step2) this.carried = this.local;
    // An update carries the newest change; it completes the run only if all before it travel.
    else if (this.carried === this.local - 1) this.carried = this.local;
    this.watermarks.push(this.carried);
  }

  private onAck(n: number): void {
    const count = Math.min(n - this.ackBase, this.watermarks.length);
    if (count <= 0) return;
    const before = this.durable;
    this.durable = Math.max(this.durable, this.watermarks[count - 1]);
    if (this.durable > before || this.durable >= this.local) this.refused = null;
    this.watermarks.splice(0, count);
    this.ackBase += count;
    this.waiters = this.waiters.filter((w) => (w.target <= this.durable ? (w.resolve(), false) : true));
    this.update();
  }

  private update(): void {
    const next = this.derive();
    const cur = this.current;
    if (next.kind === cur.kind && (next.kind !== 'error' || (cur.kind === 'error' && cur.reason === next.reason))) return;
    this.current = next;
    for (const fn of this.listeners) fn(next);
  }

  private derive(): SaveState {
    if (this.fatal) return this.fatal;
    if (this.refused && this.pending) return this.refused;
    if (!this.connected) return this.pending ? { kind: 'offline' } : { kind: 'connecting' };
    if (this.pending) return { kind: 'saving' };
    return this.synced ? { kind: 'saved' } : { kind: 'connecting' };
  }
}
