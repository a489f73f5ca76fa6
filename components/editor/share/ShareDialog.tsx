'use client';

import { useRef, useState } from 'react';
import type { Role } from '@/lib/storage/schema';
import { lazyPart } from '../../lazy-part';
import { useHydrated } from '../../useHydrated';

// The people, access and embed settings load when the dialog is first opened, not with the page.
const SharePanel = lazyPart(
  () => import('./SharePanel').then((m) => m.SharePanel),
  <p className="field-hint" aria-busy="true">Loading…</p>,
);

/**
 * The share button and dialog (a native modal <dialog>: focus stays inside, Escape closes).
 * What the dialog holds is ./SharePanel.tsx.
 */
export function ShareDialog({ documentId, title, role, userId }: { documentId: string; title: string; role: Role; userId: string }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const hydrated = useHydrated();
  const [opened, setOpened] = useState(0);

  return (
    <>
      <button
        type="button"
        className="primary"
        disabled={!hydrated}
        onClick={() => {
          dialog.current?.showModal();
          setOpened((n) => n + 1);
        }}
      >
        Share
      </button>
      <dialog ref={dialog} className="share-dialog" aria-labelledby="share-title">
        <h2 id="share-title">Share “{title}”</h2>
        {opened > 0 && <SharePanel documentId={documentId} role={role} userId={userId} opened={opened} isOpen={() => dialog.current?.open ?? false} />}
        <div className="dialog-actions">
          <button type="button" onClick={() => dialog.current?.close()}>
            Done
          </button>
        </div>
      </dialog>
    </>
  );
}
