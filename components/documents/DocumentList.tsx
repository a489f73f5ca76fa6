'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { api } from '@/lib/client/api';
import { useHydrated } from '../useHydrated';
import { DocumentRow, type DocumentItem } from './DocumentRow';

/** The signed-in user's documents, with create, rename and delete. */
export function DocumentList({ initial }: { initial: DocumentItem[] }) {
  const router = useRouter();
  const [docs, setDocs] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const hydrated = useHydrated();

  async function refresh() {
    const { documents } = await api<{ documents: DocumentItem[] }>('/api/documents');
    setDocs(documents);
  }

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
      <form method="post" className="doc-toolbar" onSubmit={create}>
        <label htmlFor="new-title" className="visually-hidden">
          Title of the new document
        </label>
        <input id="new-title" name="title" placeholder="Untitled document" maxLength={200} />
        <button type="submit" className="primary" disabled={creating || !hydrated}>
          {creating ? 'Creating…' : 'New document'}
        </button>
      </form>
      {error && (
        <p className="alert" role="alert">
          {error}
        </p>
      )}
      {docs.length === 0 ? (
        <div className="card empty">
          <p>No documents yet. Create one above, or ask someone to share theirs with you.</p>
        </div>
      ) : (
        <ul className="doc-list" aria-label="Documents">
          {docs.map((d) => (
            <DocumentRow key={d.id} doc={d} onChanged={() => refresh().catch((e) => setError((e as Error).message))} onError={setError} />
          ))}
        </ul>
      )}
      <p className="field-hint">
        Documents shared with you appear here too.{' '}
        <button type="button" className="link" onClick={() => refresh().catch((e) => setError((e as Error).message))}>
          Refresh
        </button>
      </p>
    </>
  );
}
