'use client';

import { useRouter } from 'next/navigation';
import { useMemo, useRef, useState, type FormEvent } from 'react';
import { api } from '@/lib/client/api';
import { useHydrated } from '../useHydrated';
import { DocumentRow, type DocumentItem } from './DocumentRow';
import { ImportDialog } from './ImportDialog';
import { useDocuments } from './useDocuments';

type Sort = 'newest' | 'oldest' | 'title';

function sorted(docs: DocumentItem[], sort: Sort): DocumentItem[] {
  const by = {
    newest: (a: DocumentItem, b: DocumentItem) => b.updatedAt.localeCompare(a.updatedAt),
    oldest: (a: DocumentItem, b: DocumentItem) => a.updatedAt.localeCompare(b.updatedAt),
    title: (a: DocumentItem, b: DocumentItem) => a.title.localeCompare(b.title, undefined, { sensitivity: 'base' }),
  }[sort];
  return [...docs].sort(by);
}

/** The signed-in user's documents: create, search, sort, rename, delete; who is in each, live. */
export function DocumentList({ initial, collabUrl }: { initial: DocumentItem[]; collabUrl: string }) {
  const router = useRouter();
  const { docs, state, presence, live, refresh } = useDocuments(initial, collabUrl);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [query, setQuery] = useState('');
  const search = useRef<HTMLInputElement>(null);
  const [sort, setSort] = useState<Sort>('newest');
  const hydrated = useHydrated();

  const shown = useMemo(() => {
    const q = query.trim().toLocaleLowerCase();
    return sorted(q ? docs.filter((d) => d.title.toLocaleLowerCase().includes(q)) : docs, sort);
  }, [docs, query, sort]);

  async function create(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const title = String(new FormData(e.currentTarget).get('title') ?? '').trim();
    setCreating(true);
    setError(null);
    try {
      const { id } = await api<{ id: string }>('/api/documents', { method: 'POST', body: title ? { title } : {} });
      router.push(`/d/${id}`);
    } catch (err) {
      setError((err as Error).message);
      setCreating(false);
    }
  }

  return (
    <>
      <h1>Your documents</h1>
      <div className="doc-actions">
        <form method="post" className="doc-toolbar" onSubmit={create}>
          <label htmlFor="new-title" className="visually-hidden">
            Title of the new document
          </label>
          <input id="new-title" name="title" placeholder="Untitled document" maxLength={200} />
          <button type="submit" className="primary" disabled={creating || !hydrated}>
            {creating ? 'Creating…' : 'New document'}
          </button>
        </form>
        <ImportDialog />
      </div>
      {error && (
        <p className="alert" role="alert">
          {error}
        </p>
      )}
      {docs.length > 0 && (
        <div className="doc-filters" role="search">
          <div>
            <label htmlFor="doc-search">Search by title</label>
            {/* Uncontrolled and read on every input event, so any way of changing it (typing, pasting, automation) filters. */}
            <input ref={search} id="doc-search" type="search" defaultValue="" onInput={(e) => setQuery(e.currentTarget.value)} placeholder="Search" disabled={!hydrated} />
          </div>
          <div>
            <label htmlFor="doc-sort">Sort by</label>
            <select id="doc-sort" value={sort} onChange={(e) => setSort(e.target.value as Sort)} disabled={!hydrated}>
              <option value="newest">Last modified, newest first</option>
              <option value="oldest">Last modified, oldest first</option>
              <option value="title">Title, A–Z</option>
            </select>
          </div>
        </div>
      )}
      {state.kind === 'error' && (
        <div className="alert" role="alert" data-testid="list-error">
          Could not load your documents: {state.message}{' '}
          <button type="button" onClick={() => void refresh()}>
            Try again
          </button>
        </div>
      )}
      <div aria-busy={state.kind === 'loading'} data-testid="list-state" data-state={state.kind}>
        {state.kind === 'loading' && (
          <p className="notice" role="status">
            Loading your documents…
          </p>
        )}
        {docs.length === 0 ? (
          <div className="card empty">
            <p>No documents yet. Create one above, or ask someone to share theirs with you.</p>
          </div>
        ) : shown.length === 0 ? (
          <div className="card empty" role="status">
            <p>No documents match “{query.trim()}”.</p>
            <button
              type="button"
              onClick={() => {
                if (search.current) search.current.value = '';
                setQuery('');
                search.current?.focus();
              }}
            >
              Clear search
            </button>
          </div>
        ) : (
          <ul className="doc-list" aria-label="Documents">
            {shown.map((d) => (
              <DocumentRow key={d.id} doc={d} people={presence[d.id] ?? []} onChanged={() => void refresh()} onError={setError} />
            ))}
          </ul>
        )}
      </div>
      <p className="field-hint" data-testid="live-status" data-state={live}>
        {live === 'live' ? 'Up to date: renames and who is in each document appear as they happen.' : live === 'reconnecting' ? 'Live updates paused; reconnecting…' : 'Connecting for live updates…'}{' '}
        <button type="button" className="link" onClick={() => void refresh()}>
          Refresh
        </button>
      </p>
    </>
  );
}
