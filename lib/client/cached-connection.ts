import * as Y from 'yjs';
import { CloseCode } from '../protocol';
import { openOfflineCache } from './offline';
import { connectDocument, type CollabConnection, type EmbedAuth } from './provider';

export interface CachedConnectionOptions {
  url: string;
  documentId: string;
  /** Whose offline copy this is (an account id, or an embed visitor's). */
  userId: string;
  embed?: EmbedAuth;
  /** The server closed with a final code (44xx, no reconnect; see server/PROTOCOL.md). */
  onFinalClose?: (e: { code: number; reason?: string }) => void;
}

/** A final close: the offline copy of a document one no longer has must not outlive it. */
const FORGETS = new Set<number>([CloseCode.Forbidden, CloseCode.NotFound]);

/**
 * Opens a document the way pages and embeds both do: its offline copy first (so the editor shows
 * it at once and the first sync sends what was kept), then the collaboration connection, with
 * unsaved offline changes marked and followed. On a final close the copy is cleared when access
 * is gone. Resolves with the connection and a `destroy` for all of it, or with null if
 * `cancelled()` became true meanwhile.
 */
export async function openCachedConnection(o: CachedConnectionOptions, cancelled: () => boolean): Promise<{ conn: CollabConnection; destroy(): void } | null> {
  const doc = new Y.Doc();
  const cache = await openOfflineCache(o.userId, o.documentId, doc);
  if (cancelled()) {
    cache?.destroy();
    doc.destroy();
    return null;
  }
  const conn = connectDocument({
    url: o.url,
    documentId: o.documentId,
    doc,
    embed: o.embed,
    prepare: (tracker) => {
      if (cache?.hadUnsaved) tracker.markUnsaved();
    },
  });
  const unfollow = cache?.follow(conn.tracker);
  // y-websocket emits 'closed' only for final close codes (4400-4499), after which it stops.
  const onClosed = (e: { code: number; reason?: string }) => {
    if (FORGETS.has(e.code)) void cache?.clear();
    o.onFinalClose?.(e);
  };
  conn.provider.on('closed', onClosed);
  return {
    conn,
    destroy() {
      conn.provider.off('closed', onClosed);
      unfollow?.();
      conn.destroy();
      cache?.destroy();
      doc.destroy();
    },
  };
}
