'use client';

import { useCallback, useEffect, useState } from 'react';
import { api } from '@/lib/client/api';
import { assertNever } from '@/lib/protocol/messages';
import { followLive, type LiveStatus } from '@/lib/client/live';
import type { LivePerson } from '@/lib/protocol/live';
import type { DocumentItem } from './DocumentRow';

export type ListState = { kind: 'ready' } | { kind: 'loading' } | { kind: 'error'; message: string };

/**
 * The account's documents, kept live: renames and who is in each document arrive over the
 * collaboration server's stream, and gaining or losing access reloads the list.
 */
export function useDocuments(initial: DocumentItem[], collabUrl: string) {
  const [docs, setDocs] = useState(initial);
  const [state, setState] = useState<ListState>({ kind: 'ready' });
  const [presence, setPresence] = useState<Record<string, LivePerson[]>>({});
  const [live, setLive] = useState<LiveStatus>('connecting');

  const refresh = useCallback(async () => {
    setState({ kind: 'loading' });
    try {
      const { documents } = await api<{ documents: DocumentItem[] }>('/api/documents');
      setDocs(documents);
      setState({ kind: 'ready' });
    } catch (err) {
      setState({ kind: 'error', message: (err as Error).message });
    }
  }, []);

  useEffect(
    () =>
      followLive(collabUrl, {
        status: setLive,
        event(e) {
          switch (e.type) {
            case 'presence':
              setPresence((p) => ({ ...p, [e.documentId]: e.people }));
              return;
            case 'title':
              setDocs((ds) => ds.map((d) => (d.id === e.documentId ? { ...d, title: e.title, updatedAt: new Date().toISOString() } : d)));
              return;
            case 'access':
              void refresh();
              return;
            default:
              assertNever(e);
          }
        },
      }),
    [collabUrl, refresh],
  );

  return { docs, state, presence, live, refresh };
}
