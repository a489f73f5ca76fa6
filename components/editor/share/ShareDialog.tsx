'use client';

import { useEffect, useRef } from 'react';
import { canManage } from '@/lib/auth/roles';
import type { Role } from '@/lib/storage/schema';
import { EmbedSettings } from '../../embed/EmbedSettings';
import { useHydrated } from '../../useHydrated';
import { AddPeople } from './AddPeople';
import { GeneralAccess } from './GeneralAccess';
import { PeopleList } from './PeopleList';
import { useSharing } from './useSharing';

/**
 * The share dialog (a native modal <dialog>: focus stays inside, Escape closes). The owner
 * manages people and general access; everyone else sees who has access.
 */
export function ShareDialog({ documentId, title, role, userId }: { documentId: string; title: string; role: Role; userId: string }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const sharing = useSharing(documentId);
  const hydrated = useHydrated();
  const manage = canManage(role);
  const { load } = sharing;

  // A role change (e.g. ownership transferred) changes what this person may see and do.
  useEffect(() => {
    if (dialog.current?.open) void load();
  }, [role, load]);

  return (
    <>
      <button
        type="button"
        className="primary"
        disabled={!hydrated}
        onClick={() => {
          dialog.current?.showModal();
          void load();
        }}
      >
        Share
      </button>
      <dialog ref={dialog} className="share-dialog" aria-labelledby="share-title">
        <h2 id="share-title">Share “{title}”</h2>
        {manage && <AddPeople sharing={sharing} />}
        {sharing.message && (
          <p className={sharing.message.kind === 'error' ? 'alert' : 'notice'} role={sharing.message.kind === 'error' ? 'alert' : 'status'}>
            {sharing.message.text}
          </p>
        )}
        <h3>People with access</h3>
        <PeopleList sharing={sharing} manage={manage} userId={userId} />
        <h3>General access</h3>
        <GeneralAccess sharing={sharing} manage={manage} />
        {manage && <EmbedSettings documentId={documentId} />}
        <div className="dialog-actions">
          <button type="button" onClick={() => dialog.current?.close()}>
            Done
          </button>
        </div>
      </dialog>
    </>
  );
}
