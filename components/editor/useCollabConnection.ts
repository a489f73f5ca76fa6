'use client';

import { useEffect, useState } from 'react';
import * as Y from 'yjs';
import { openOfflineCache } from '@/lib/client/offline';
import { connectDocument, type CollabConnection } from '@/lib/client/provider';
import type { Role } from '@/lib/storage/schema';

/**
 * Opens a document's collaborative connection (after loading its offline copy) and follows
 * what the server says about it: the role (live), the title (live), and a final close (access
 * removed, signed out, document deleted) as `lost`. Pages and embeds share it.
 */
export function useCollabConnection({ documentId, userId, collabUrl, initialRole, initialTitle }: { documentId: string; userId: string; collabUrl: string; initialRole: Role; initialTitle: string }) {
  const [conn, setConn] = useState<CollabConnection | null>(null);
  const [title, setTitle] = useState(initialTitle);
  const [role, setRole] = useState<Role>(initialRole);
  const [lost, setLost] = useState<number | null>(null);

  useEffect(() => {
    const doc = new Y.Doc();
    let cancelled = false;
    let cleanup = () => {};
    // Load the offline copy first, so the editor shows it at once and the first sync sends it.
    void openOfflineCache(userId, documentId, doc).then((cache) => {
      if (cancelled) return cache?.destroy();
      const c = connectDocument({
        url: collabUrl,
        documentId,
        doc,
        prepare: (tracker) => {
          if (cache?.hadUnsaved) tracker.markUnsaved();
        },
      });
      const unfollow = cache?.follow(c.tracker);
      const offRole = c.onRole(setRole);
      const offTitle = c.onTitle(setTitle);
      const onClosed = (e: { code: number }) => {
        // Access lost or document gone: the offline copy must not outlive it.
        if (e.code === 4403 || e.code === 4404) void cache?.clear();
        if (e.code === 4401 || e.code === 4403 || e.code === 4404) setLost(e.code);
      };
      c.provider.on('closed', onClosed);
      cleanup = () => {
        c.provider.off('closed', onClosed);
        offRole();
        offTitle();
        unfollow?.();
        c.destroy();
        cache?.destroy();
      };
      setConn(c);
    });
    return () => {
      cancelled = true;
      cleanup();
      doc.destroy();
    };
  }, [collabUrl, documentId, userId]);

  return { conn, role, title, setTitle, lost };
}
