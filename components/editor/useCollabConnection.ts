'use client';

import { useEffect, useState } from 'react';
import { openCachedConnection } from '@/lib/client/cached-connection';
import type { CollabConnection } from '@/lib/client/provider';
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
    let cancelled = false;
    let cleanup = () => {};
    void openCachedConnection(
      {
        url: collabUrl,
        documentId,
        userId,
        onFinalClose: (e) => {
          if (e.code === 4401 || e.code === 4403 || e.code === 4404) setLost(e.code);
        },
      },
      () => cancelled,
    ).then((opened) => {
      if (!opened) return;
      const offRole = opened.conn.onRole(setRole);
      const offTitle = opened.conn.onTitle(setTitle);
      cleanup = () => {
        offRole();
        offTitle();
        opened.destroy();
      };
      setConn(opened.conn);
    });
    return () => {
      cancelled = true;
      cleanup();
    };
  }, [collabUrl, documentId, userId]);

  return { conn, role, title, setTitle, lost };
}
