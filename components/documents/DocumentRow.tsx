'use client';

import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { api } from '@/lib/client/api';
import { initials } from '@/lib/client/presence';
import type { LivePerson } from '@/lib/protocol/live';
import { useHydrated } from '../useHydrated';

export interface DocumentItem {
  id: string;
  title: string;
  role: 'owner' | 'editor' | 'viewer';
  updatedAt: string;
  sharing: { people: number; link: 'restricted' | 'viewer' | 'editor' };
}

/** How a document is shared, in a few words. */
export function sharingText(s: DocumentItem['sharing']): string {
  const people = s.people === 0 ? 'Only the owner' : `Shared with ${s.people} ${s.people === 1 ? 'person' : 'people'}`;
  return s.link === 'restricted' ? people : `${people} · anyone with the link can ${s.link === 'editor' ? 'edit' : 'view'}`;
}

function when(iso: string): string {
  const d = new Date(iso);
  const sameDay = d.toDateString() === new Date().toDateString();
  return sameDay ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : d.toLocaleDateString();
}

/** One document: open it, rename it (owners and editors), delete it (owners, after confirming). */
/** Who is in the document right now, as small avatars. */
function RowPresence({ people }: { people: LivePerson[] }) {
  if (people.length === 0) return null;
  const names = people.map((p) => p.name).join(', ');
  return (
    <span className="row-presence" data-testid="row-presence" role="img" aria-label={`In this document now: ${names}`} title={names}>
      {people.slice(0, 3).map((p) => (
        <span key={p.id} className="avatar small" data-idle={p.idle} style={{ background: p.color }} aria-hidden="true">
          {initials(p.name)}
        </span>
      ))}
      {people.length > 3 && <span className="avatar small more" aria-hidden="true">+{people.length - 3}</span>}
    </span>
  );
}

interface RowProps {
  doc: DocumentItem;
  people: LivePerson[];
  onChanged: () => void;
  onError: (m: string) => void;
}

export function DocumentRow({ doc, people, onChanged, onError }: RowProps) {
  const [mode, setMode] = useState<'view' | 'rename' | 'confirm-delete'>('view');
  const [busy, setBusy] = useState(false);
  const hydrated = useHydrated();

  async function run(action: () => Promise<unknown>) {
    setBusy(true);
    try {
      await action();
      setMode('view');
      onChanged();
    } catch (err) {
      onError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  function rename(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const title = String(new FormData(e.currentTarget).get('title') ?? '');
    void run(() => api(`/api/documents/${doc.id}`, { method: 'PATCH', body: { title } }));
  }

  if (mode === 'rename') {
    return (
      <li className="doc-row">
        <form method="post" onSubmit={rename} style={{ display: 'flex', gap: 8, flex: 1 }}>
          <label htmlFor={`rename-${doc.id}`} className="visually-hidden">
            New title
          </label>
          <input id={`rename-${doc.id}`} name="title" defaultValue={doc.title} maxLength={200} autoFocus style={{ flex: 1 }} />
          <button type="submit" className="primary" disabled={busy}>
            Save
          </button>
          <button type="button" onClick={() => setMode('view')}>
            Cancel
          </button>
        </form>
      </li>
    );
  }

  return (
    <li className="doc-row" data-testid="document-row">
      <Link className="title" href={`/d/${doc.id}`}>
        {doc.title}
      </Link>
      <RowPresence people={people} />
      <span className="meta" data-testid="sharing">
        {sharingText(doc.sharing)}
      </span>
      <span className="badge">{doc.role}</span>
      <span className="meta" title={new Date(doc.updatedAt).toLocaleString()}>
        {when(doc.updatedAt)}
      </span>
      {mode === 'confirm-delete' ? (
        <>
          <span role="alert">Delete “{doc.title}” for everyone?</span>
          <button type="button" className="danger" disabled={busy} onClick={() => run(() => api(`/api/documents/${doc.id}`, { method: 'DELETE' }))}>
            Delete
          </button>
          <button type="button" onClick={() => setMode('view')}>
            Keep
          </button>
        </>
      ) : (
        <>
          {doc.role !== 'viewer' && (
            <button type="button" className="link" disabled={!hydrated} onClick={() => setMode('rename')} aria-label={`Rename ${doc.title}`}>
              Rename
            </button>
          )}
          {doc.role === 'owner' && (
            <button type="button" className="link danger" disabled={!hydrated} onClick={() => setMode('confirm-delete')} aria-label={`Delete ${doc.title}`}>
              Delete
            </button>
          )}
        </>
      )}
    </li>
  );
}
