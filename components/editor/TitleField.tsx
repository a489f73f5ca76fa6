'use client';

import { useEffect, useRef, useState } from 'react';
import { api } from '@/lib/client/api';

interface Props {
  documentId: string;
  /** The current title, kept live by the page (renames by anyone arrive over the connection). */
  title: string;
  editable: boolean;
  onRenamed: (title: string) => void;
}

/**
 * The document title; editors rename it in place (saved on Enter or when leaving the field,
 * Escape restores it). The input is uncontrolled and read on commit, so any way of changing its
 * value (typing, autofill, automation) is honoured; someone else's rename replaces it unless
 * this person is editing it right now.
 */
export function TitleField({ documentId, title, editable, onRenamed }: Props) {
  const input = useRef<HTMLInputElement>(null);
  /** The title being saved, so Enter followed by the blur it causes saves once. */
  const saving = useRef<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    document.title = `${title} · Tandem`;
    const el = input.current;
    if (el && document.activeElement !== el) el.value = title;
  }, [title]);

  if (!editable) return <h1 className="title-static" data-testid="doc-title-static">{title}</h1>;

  async function commit(el: HTMLInputElement) {
    const next = el.value.trim();
    if (!next || next === title) {
      el.value = title;
      return;
    }
    if (saving.current === next) return;
    saving.current = next;
    try {
      await api(`/api/documents/${documentId}`, { method: 'PATCH', body: { title: next } });
      setError(null);
      onRenamed(next);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      saving.current = null;
    }
  }

  return (
    <>
      <h1 className="visually-hidden">{title}</h1>
      <label htmlFor="doc-title" className="visually-hidden">
        Document title
      </label>
      <input
        ref={input}
        id="doc-title"
        className="title-input"
        data-testid="doc-title"
        defaultValue={title}
        maxLength={200}
        onBlur={(e) => void commit(e.currentTarget)}
        onKeyDown={(e) => {
          // Saved here rather than only on blur: a window in the background gets no blur event.
          if (e.key === 'Enter') {
            void commit(e.currentTarget);
            e.currentTarget.blur();
          }
          if (e.key === 'Escape') {
            e.currentTarget.value = title;
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
