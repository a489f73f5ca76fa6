'use client';

import { useState, type FocusEvent } from 'react';
import { api } from '@/lib/client/api';

/**
 * The document title; editors rename it in place (saved on Enter or when leaving the field,
 * Escape restores it). The input is uncontrolled and read on commit, so any way of changing its
 * value (typing, autofill, automation) is honoured.
 */
export function TitleField({ documentId, initialTitle, editable }: { documentId: string; initialTitle: string; editable: boolean }) {
  const [saved, setSaved] = useState(initialTitle);
  const [error, setError] = useState<string | null>(null);

  if (!editable) return <h1 className="title-static">{saved}</h1>;

  async function commit(e: FocusEvent<HTMLInputElement>) {
    const input = e.currentTarget;
    const title = input.value.trim();
    if (!title || title === saved) {
      input.value = saved;
      return;
    }
    try {
      await api(`/api/documents/${documentId}`, { method: 'PATCH', body: { title } });
      setSaved(title);
      setError(null);
      document.title = `${title} · Tandem`;
    } catch (err) {
      setError((err as Error).message);
    }
  }

  return (
    <>
      <h1 className="visually-hidden">{saved}</h1>
      <label htmlFor="doc-title" className="visually-hidden">
        Document title
      </label>
      <input
        id="doc-title"
        className="title-input"
        data-testid="doc-title"
        defaultValue={initialTitle}
        maxLength={200}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') e.currentTarget.blur();
          if (e.key === 'Escape') {
            e.currentTarget.value = saved;
            e.currentTarget.blur();
          }
        }}
      />
      {error && (
        <span className="alert" role="alert">
          {error}
        </span>
      )}
    </>
  );
}
