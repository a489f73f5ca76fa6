import { z } from 'zod';
import type { LivePerson } from '../../lib/protocol/live';
import { mergePeople } from '../presence';

/** The Redis channel every server publishes its rooms' presence on, for other servers' document lists. */
export const PRESENCE_CHANNEL = 'tandem:presence';
/** Each server repeats its presence this often, so servers that start later learn it... */
const REPEAT_MS = 10_000;
/** ...and drop what a server (that died) stopped repeating after this long. */
const EXPIRE_MS = 30_000;

const message = z.object({
  from: z.string().min(1).max(64),
  documentId: z.string().min(1).max(64),
  people: z.array(z.object({ id: z.string().max(200), name: z.string().max(200), color: z.string().max(32), idle: z.boolean() })).max(1000),
});

/**
 * Document lists show who is in each document, but a list's stream (`GET /live`) may be served
 * by a server that does not hold the document. So each server publishes the presence of its open
 * rooms, and every server shows the union of its own and the others' (one entry per account,
 * idle only if idle everywhere). JSON on one channel: presence is small and changes slowly.
 */
export class PresenceRelay {
  private readonly local = new Map<string, LivePerson[]>();
  /** documentId → server id → what it said, and when. */
  private readonly remote = new Map<string, Map<string, { people: LivePerson[]; at: number }>>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly id: string,
    private readonly publish: (payload: Uint8Array) => void,
    private readonly show: (documentId: string, people: LivePerson[]) => void,
  ) {
    this.timer = setInterval(() => this.repeat(), REPEAT_MS);
    this.timer.unref();
  }

  /** This server's room for `documentId` has these people now (empty: nobody, or unloaded). */
  setLocal(documentId: string, people: LivePerson[]): void {
    if (people.length === 0) this.local.delete(documentId);
    else this.local.set(documentId, people);
    this.send(documentId, people);
    this.update(documentId);
  }

  onMessage(payload: Uint8Array): void {
    let m: z.infer<typeof message>;
    try {
      m = message.parse(JSON.parse(new TextDecoder().decode(payload)));
    } catch {
      return;
    }
    if (m.from === this.id) return;
    let byServer = this.remote.get(m.documentId);
    if (!byServer) this.remote.set(m.documentId, (byServer = new Map()));
    if (m.people.length === 0) byServer.delete(m.from);
    else byServer.set(m.from, { people: m.people, at: Date.now() });
    if (byServer.size === 0) this.remote.delete(m.documentId);
    this.update(m.documentId);
  }

  /** Everything again (after Redis came back, and periodically); drops what expired. */
  repeat(): void {
    for (const [documentId, people] of this.local) this.send(documentId, people);
    const now = Date.now();
    for (const [documentId, byServer] of this.remote) {
      let changed = false;
      for (const [from, e] of byServer) if (now - e.at > EXPIRE_MS) changed = byServer.delete(from) || changed;
      if (byServer.size === 0) this.remote.delete(documentId);
      if (changed) this.update(documentId);
    }
  }

  private send(documentId: string, people: LivePerson[]): void {
    this.publish(new TextEncoder().encode(JSON.stringify({ from: this.id, documentId, people })));
  }

  private update(documentId: string): void {
    const remote = [...(this.remote.get(documentId)?.values() ?? [])].flatMap((e) => e.people);
    this.show(documentId, mergePeople([...(this.local.get(documentId) ?? []), ...remote]));
  }

  close(): void {
    clearInterval(this.timer);
  }
}
