'use client';

import { useCallback, useState } from 'react';
import { api } from '@/lib/client/api';

export interface VersionItem {
  id: string;
  kind: 'auto' | 'named' | 'restore';
  name: string | null;
  editors: { id: string; name: string }[];
  createdAt: number;
}

export type HistoryMessage = { kind: 'error' | 'status'; text: string } | null;

/** The document's versions and the actions on them, with what to tell the person after each. */
export function useVersions(documentId: string) {
  const base = `/api/documents/${documentId}/versions`;
  const [versions, setVersions] = useState<VersionItem[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<HistoryMessage>(null);

  const load = useCallback(async () => {
    try {
      setVersions((await api<{ versions: VersionItem[] }>(base)).versions);
    } catch (e) {
      setMessage({ kind: 'error', text: (e as Error).message });
    }
  }, [base]);

  const run = useCallback(
    async (action: () => Promise<string>) => {
      setBusy(true);
      setMessage(null);
      try {
        setMessage({ kind: 'status', text: await action() });
        await load();
        return true;
      } catch (e) {
        setMessage({ kind: 'error', text: (e as Error).message });
        return false;
      } finally {
        setBusy(false);
      }
    },
    [load],
  );

  const save = useCallback(
    (name: string) =>
      run(async () => {
        await api(base, { method: 'POST', body: { name } });
        return `Saved version “${name}”.`;
      }),
    [base, run],
  );

  const restore = useCallback(
    (v: VersionItem) =>
      run(async () => {
        await api(`${base}/${v.id}/restore`, { method: 'POST' });
        return `Restored ${versionLabel(v)}. Everyone editing sees it now.`;
      }),
    [base, run],
  );

  return { versions, busy, message, load, save, restore };
}

const KIND: Record<VersionItem['kind'], string> = { auto: 'Automatic', named: 'Named', restore: 'Restore' };

/** A version's title in the list and the preview: its name, or what kind it is. */
export function versionTitle(v: Pick<VersionItem, 'kind' | 'name'>): string {
  return v.name ?? `${KIND[v.kind]} version`;
}

/** A version as named in messages and labels. */
export const versionLabel = (v: Pick<VersionItem, 'kind' | 'name'>): string => `“${versionTitle(v)}”`;
