'use client';

import type { Editor } from '@tiptap/core';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { normalizeLinkInput } from '@/lib/editor/urls';

/**
 * Add, edit, remove or open the link at the selection, in a native modal dialog (focus stays
 * inside, Escape closes, focus returns to the editor). With nothing selected, the typed text
 * (or the address itself) is inserted as the link.
 */
export function LinkDialog({ editor, open, onClose }: { editor: Editor; open: boolean; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [href, setHref] = useState<string | null>(null);
  const [needsText, setNeedsText] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const d = ref.current;
    if (!d || !open || d.open) return;
    editor.chain().extendMarkRange('link').run();
    const current = (editor.getAttributes('link').href as string | undefined) ?? null;
    setHref(current);
    setNeedsText(editor.state.selection.empty && !current);
    setError(null);
    d.showModal();
  }, [open, editor]);

  function close() {
    ref.current?.close();
  }

  function apply(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const url = normalizeLinkInput(String(data.get('href') ?? ''));
    if (!url) {
      setError('Enter a web address (https://…) or an email address.');
      return;
    }
    if (needsText) {
      const text = String(data.get('text') ?? '').trim() || url;
      editor.chain().focus().insertContent({ type: 'text', text, marks: [{ type: 'link', attrs: { href: url } }] }).run();
    } else {
      editor.chain().focus().extendMarkRange('link').setLink({ href: url }).run();
    }
    close();
  }

  return (
    <dialog
      ref={ref}
      className="small-dialog"
      aria-labelledby="link-dialog-title"
      onClose={() => {
        onClose();
        editor.commands.focus();
      }}
    >
      {open && (
        <form method="dialog" onSubmit={apply} noValidate>
          <h2 id="link-dialog-title">{href ? 'Edit link' : 'Add link'}</h2>
          <label htmlFor="link-href">Link address</label>
          <input
            id="link-href"
            name="href"
            type="text"
            inputMode="url"
            defaultValue={href ?? ''}
            placeholder="https://example.com"
            autoFocus
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'link-error' : undefined}
          />
          {needsText && (
            <>
              <label htmlFor="link-text">Text to show</label>
              <input id="link-text" name="text" type="text" placeholder="Same as the address" />
            </>
          )}
          {error && (
            <p id="link-error" className="alert" role="alert">
              {error}
            </p>
          )}
          <div className="dialog-actions">
            {href && (
              <>
                <a className="button" href={href} target="_blank" rel="noopener noreferrer">
                  Open link
                </a>
                <button
                  type="button"
                  className="danger"
                  onClick={() => {
                    editor.chain().focus().extendMarkRange('link').unsetLink().run();
                    close();
                  }}
                >
                  Remove link
                </button>
              </>
            )}
            <button type="button" onClick={close}>
              Cancel
            </button>
            <button type="submit" className="primary">
              Apply
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
