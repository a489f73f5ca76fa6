import type { AwarenessEntry } from '../lib/protocol';
import type { Peer } from './peer';

/**
 * Who may speak for each awareness client id in a room. The first connection to announce an id
 * owns it until it leaves; nobody else may set or clear its state. Ids announced through other
 * servers belong to those servers, except that a connection of the same account may take one
 * over (its server died and the client reconnected here with the same Yjs client id).
 */
export class AwarenessOwners {
  private readonly local = new Map<number, Peer>();
  private readonly byPeer = new Map<Peer, Set<number>>();
  /** Ids announced through other servers, with the account id their state names. */
  private readonly remote = new Map<number, string | undefined>();

  /** The entries `peer` may apply, recording any id it announces for the first time. */
  claim(peer: Peer, entries: AwarenessEntry[]): AwarenessEntry[] {
    const kept: AwarenessEntry[] = [];
    for (const e of entries) {
      const owner = this.local.get(e.clientId);
      if (owner !== undefined && owner !== peer) continue;
      if (this.remote.has(e.clientId)) {
        if (this.remote.get(e.clientId) !== peer.identity.userId) continue;
        this.remote.delete(e.clientId);
      }
      if (owner === undefined) {
        this.local.set(e.clientId, peer);
        let ids = this.byPeer.get(peer);
        if (!ids) this.byPeer.set(peer, (ids = new Set()));
        ids.add(e.clientId);
      }
      kept.push(e);
    }
    return kept;
  }

  /** The entries from another server that do not touch this server's own connections. */
  admitRemote(entries: AwarenessEntry[]): AwarenessEntry[] {
    const kept = entries.filter((e) => !this.local.has(e.clientId));
    for (const e of kept) {
      if (e.state === null) this.remote.delete(e.clientId);
      else this.remote.set(e.clientId, (e.state.user as { id?: string } | undefined)?.id);
    }
    return kept;
  }

  /** Forgets `peer`; returns the ids it owned (their states are to be removed). */
  release(peer: Peer): number[] {
    const ids = [...(this.byPeer.get(peer) ?? [])];
    this.byPeer.delete(peer);
    for (const id of ids) this.local.delete(id);
    return ids;
  }

  localIds(): number[] {
    return [...this.local.keys()];
  }
}
