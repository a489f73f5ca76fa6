'use client';

import { useState, type FormEvent } from 'react';
import type { Sharing } from './useSharing';

/** Owner only: give someone access by email. */
export function AddPeople({ sharing }: { sharing: Sharing }) {
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    setBusy(true);
    if (await sharing.invite(String(data.get('email')), String(data.get('role')))) form.reset();
    setBusy(false);
  }
  return (
    <form method="post" className="share-add" onSubmit={submit}>
      <div>
        <label htmlFor="share-email">Email</label>
        <input id="share-email" name="email" type="email" required placeholder="name@example.com" autoComplete="off" />
      </div>
      <div>
        <label htmlFor="share-role">Role</label>
        <select id="share-role" name="role" defaultValue="editor">
          <option value="editor">Editor</option>
          <option value="viewer">Viewer</option>
        </select>
      </div>
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Adding…' : 'Give access'}
      </button>
    </form>
  );
}
