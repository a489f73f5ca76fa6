'use client';

import { useState } from 'react';
import type { Member, Sharing } from './useSharing';

/** Everyone with access; the owner can change roles, remove people and hand over ownership. */
export function PeopleList({ sharing, manage, userId }: { sharing: Sharing; manage: boolean; userId: string }) {
  const [confirming, setConfirming] = useState<string | null>(null);
  if (!sharing.members) return <p role="status">Loading…</p>;
  const label = (m: Member) => m.name ?? m.email;
  return (
    <ul className="members" data-testid="members">
      {sharing.members.map((m) => (
        <li key={m.email} data-testid="member" data-email={m.email}>
          <span className="who">
            {label(m)}
            {m.userId === userId && ' (you)'}
            {m.name && <span className="field-hint"> · {m.email}</span>}
            {m.pending && <span className="field-hint"> · invited</span>}
          </span>
          {m.role === 'owner' || !manage ? (
            <span className="badge">{m.role}</span>
          ) : confirming === m.email ? (
            <span role="group" aria-label={`Make ${label(m)} the owner`}>
              <span>Make {label(m)} the owner? You will become an editor.</span>{' '}
              <button type="button" className="primary" onClick={() => sharing.transfer(m).then(() => setConfirming(null))}>
                Transfer
              </button>{' '}
              <button type="button" onClick={() => setConfirming(null)}>
                Cancel
              </button>
            </span>
          ) : (
            <>
              <select aria-label={`Role of ${label(m)}`} value={m.role} onChange={(e) => sharing.setRole(m, e.target.value)}>
                <option value="editor">Editor</option>
                <option value="viewer">Viewer</option>
              </select>
              {!m.pending && (
                <button type="button" className="link" onClick={() => setConfirming(m.email)} aria-label={`Make ${label(m)} the owner`}>
                  Make owner
                </button>
              )}
              <button type="button" className="link danger" onClick={() => sharing.remove(m)} aria-label={`Remove ${label(m)}`}>
                Remove
              </button>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
