'use client';

import { useEffect } from 'react';
import { canManage } from '@/lib/auth/roles';
import type { Role } from '@/lib/storage/schema';
import { EmbedSettings } from '../../embed/EmbedSettings';
import { AddPeople } from './AddPeople';
import { GeneralAccess } from './GeneralAccess';
import { PeopleList } from './PeopleList';
import { useSharing } from './useSharing';

/**
 * The share dialog's contents, loaded when the dialog is first opened (./ShareDialog.tsx). The
 * owner manages people and general access; everyone else sees who has access. Reloads each
 * time the dialog opens (`opened` counts the openings) and when this person's role changes.
 */
export function SharePanel({ documentId, role, userId, opened, isOpen }: { documentId: string; role: Role; userId: string; opened: number; isOpen: () => boolean }) {
  const sharing = useSharing(documentId);
  const manage = canManage(role);
  const { load } = sharing;

  // On each opening, and when a role change (e.g. ownership transferred) changes what this
  // person may see and do while the dialog is open.
  useEffect(() => {
    if (isOpen()) void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- isOpen only reads the dialog
  }, [opened, role, load]);

  return (
    <>
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
    </>
  );
}
