'use client';

import { useCallback, useState } from 'react';
import { api } from '@/lib/client/api';

export interface Member {
  userId: string | null;
  email: string;
  name: string | null;
  role: 'owner' | 'editor' | 'viewer';
  pending: boolean;
}

export interface Link {
  access: 'restricted' | 'viewer' | 'editor';
  url: string | null;
}

/** Who has access and how the link is set, with the calls that change them. */
export function useSharing(documentId: string) {
  const [members, setMembers] = useState<Member[] | null>(null);
  const [link, setLink] = useState<Link | null>(null);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const base = `/api/documents/${documentId}`;

  const load = useCallback(async () => {
    try {
      const [m, l] = await Promise.all([api<{ members: Member[] }>(`${base}/members`), api<Link>(`${base}/link`)]);
      setMembers(m.members);
      setLink(l);
    } catch (e) {
      setMessage({ kind: 'error', text: (e as Error).message });
    }
  }, [base]);

  /** Runs a change, reports its outcome in words, and reloads the lists. */
  const change = useCallback(
    async (call: () => Promise<unknown>, done: string) => {
      setMessage(null);
      try {
        await call();
        setMessage({ kind: 'ok', text: done });
        await load();
        return true;
      } catch (e) {
        setMessage({ kind: 'error', text: (e as Error).message });
        return false;
      }
    },
    [load],
  );

  const who = (m: Member) => m.name ?? m.email;
  return {
    members,
    link,
    message,
    load,
    invite: (email: string, role: string) => change(() => api(`${base}/members`, { method: 'POST', body: { email, role } }), `Shared with ${email}.`),
    setRole: (m: Member, role: string) =>
      change(
        () => (m.pending ? api(`${base}/invitations/${encodeURIComponent(m.email)}`, { method: 'PATCH', body: { role } }) : api(`${base}/members/${m.userId}`, { method: 'PATCH', body: { role } })),
        `${who(m)} is now ${role === 'editor' ? 'an editor' : 'a viewer'}.`,
      ),
    remove: (m: Member) =>
      change(() => (m.pending ? api(`${base}/invitations/${encodeURIComponent(m.email)}`, { method: 'DELETE' }) : api(`${base}/members/${m.userId}`, { method: 'DELETE' })), `Removed ${who(m)}.`),
    transfer: (m: Member) => change(() => api(`${base}/transfer`, { method: 'POST', body: { userId: m.userId } }), `${who(m)} is now the owner.`),
    setLinkAccess: (access: string) =>
      change(() => api(`${base}/link`, { method: 'PUT', body: { access } }), access === 'restricted' ? 'Only people with access can open it now.' : `Anyone with the link can ${access === 'editor' ? 'edit' : 'view'}.`),
    rotateLink: () => change(() => api(`${base}/link/rotate`, { method: 'POST' }), 'The old link no longer works; here is the new one.'),
  };
}

export type Sharing = ReturnType<typeof useSharing>;
