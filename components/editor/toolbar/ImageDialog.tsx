'use client';

import type { Editor } from '@tiptap/core';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { safeImageUrl } from '@/lib/editor/urls';

/** Inserts an image by its web address, with a description for people who cannot see it. */
export function ImageDialog({ editor, open, onClose }: { editor: Editor; open: boolean; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const d = ref.current;
    if (!d || !open || d.open) return;
    setError(null);
    d.showModal();
  }, [open]);

  function insert(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const src = safeImageUrl(String(data.get('src') ?? ''));
    if (!src) {
      setError('Enter the image’s web address, starting with https:// or http://.');
      return;
    }
    const alt = String(data.get('alt') ?? '').trim();
    editor.chain().focus().setImage({ src, alt: alt || undefined }).run();
    ref.current?.close();
  }

  return (
    <dialog
      ref={ref}
      className="small-dialog"
      aria-labelledby="image-dialog-title"
      onClose={() => {
        onClose();
        editor.commands.focus();
      }}
    >
      {open && (
        <form method="dialog" onSubmit={insert} noValidate>
          <h2 id="image-dialog-title">Insert image</h2>
          <label htmlFor="image-src">Image address</label>
          <input
            id="image-src"
            name="src"
            type="text"
            inputMode="url"
            placeholder="https://example.com/picture.png"
            autoFocus
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'image-error' : undefined}
          />
          <label htmlFor="image-alt">Description (for screen readers)</label>
          <input id="image-alt" name="alt" type="text" />
          {error && (
            <p id="image-error" className="alert" role="alert">
              {error}
            </p>
          )}
          <div className="dialog-actions">
            <button type="button" onClick={() => ref.current?.close()}>
              Cancel
            </button>
            <button type="submit" className="primary">
              Insert
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
