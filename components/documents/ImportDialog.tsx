'use client';

import { useRouter } from 'next/navigation';
import { useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { api } from '@/lib/client/api';
import { MAX_IMPORT_BYTES } from '@/lib/documents/import-limits';
import { useHydrated } from '../useHydrated';

type Format = 'markdown' | 'html';


function formatOf(fileName: string, text: string): Format {
  if (/\.html?$/i.test(fileName)) return 'html';
  if (/\.(md|markdown|txt)$/i.test(fileName)) return 'markdown';
  return /^\s*</.test(text) ? 'html' : 'markdown';
}

/**
 * Creates a document from a Markdown or HTML file, chosen or pasted. The server converts and
 * stores it before the new document opens, so nothing is seeded twice.
 */
export function ImportDialog() {
  const router = useRouter();
  const dialog = useRef<HTMLDialogElement>(null);
  const textArea = useRef<HTMLTextAreaElement>(null);
  const titleInput = useRef<HTMLInputElement>(null);
  const hydrated = useHydrated();
  const [text, setText] = useState('');
  const [format, setFormat] = useState<Format>('markdown');
  const [title, setTitle] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function pick(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    if (!file) return;
    setError(null);
    // The server's limit, checked here first to save the upload.
    if (file.size > MAX_IMPORT_BYTES) {
      setError(`“${file.name}” is too large to import (${(file.size / 1048576).toFixed(1)} MiB; at most 2 MiB).`);
      return;
    }
    const content = await file.text();
    const name = file.name.replace(/\.(md|markdown|txt|html?)$/i, '');
    // The fields are uncontrolled (see below), so the file's text and name are put into them here.
    if (textArea.current) textArea.current.value = content;
    if (titleInput.current) titleInput.current.value = name;
    setText(content);
    setFormat(formatOf(file.name, content));
    setTitle(name);
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = { content: text, format, ...(title.trim() && { title: title.trim() }) };
      const { id } = await api<{ id: string }>('/api/documents', { method: 'POST', body });
      router.push(`/d/${id}`);
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  }

  return (
    <>
      <button type="button" disabled={!hydrated} onClick={() => dialog.current?.showModal()}>
        Import…
      </button>
      <dialog ref={dialog} className="share-dialog" aria-labelledby="import-title">
        <h2 id="import-title">Import a document</h2>
        <form onSubmit={submit}>
          <label htmlFor="import-file">Markdown or HTML file</label>
          <input id="import-file" type="file" accept=".md,.markdown,.txt,.html,.htm,text/markdown,text/html,text/plain" onChange={(e) => void pick(e)} />
          <label htmlFor="import-text">Or paste its text</label>
          {/* Uncontrolled, read on every input event: Firefox under automation fills without React noticing a controlled value. */}
          <textarea ref={textArea} id="import-text" rows={8} defaultValue="" onInput={(e) => setText(e.currentTarget.value)} spellCheck={false} />
          <fieldset className="inline-choices">
            <legend>Format</legend>
            <label>
              <input type="radio" name="import-format" value="markdown" checked={format === 'markdown'} onChange={() => setFormat('markdown')} /> Markdown
            </label>
            <label>
              <input type="radio" name="import-format" value="html" checked={format === 'html'} onChange={() => setFormat('html')} /> HTML
            </label>
          </fieldset>
          <label htmlFor="import-name">Title</label>
          <input ref={titleInput} id="import-name" defaultValue="" onInput={(e) => setTitle(e.currentTarget.value)} maxLength={200} placeholder="From the first heading" />
          {error && (
            <p className="alert" role="alert">
              {error}
            </p>
          )}
          <div className="dialog-actions">
            <button type="button" onClick={() => dialog.current?.close()}>
              Cancel
            </button>
            <button type="submit" className="primary" disabled={busy || !text.trim()}>
              {busy ? 'Importing…' : 'Import'}
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
