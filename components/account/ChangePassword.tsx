'use client';

import { useState, type FormEvent } from 'react';
import { api } from '@/lib/client/api';
import { useHydrated } from '../useHydrated';

export function ChangePassword() {
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const hydrated = useHydrated();
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    setBusy(true);
    setMessage(null);
    try {
      await api('/api/auth/password', { method: 'POST', body: { currentPassword: data.get('current'), newPassword: data.get('new') } });
      form.reset();
      setMessage({ kind: 'ok', text: 'Password changed. Your other devices were signed out.' });
    } catch (err) {
      setMessage({ kind: 'error', text: (err as Error).message });
    } finally {
      setBusy(false);
    }
  }
  return (
    <form method="post" onSubmit={submit}>
      <label htmlFor="current">Current password</label>
      <input id="current" name="current" type="password" autoComplete="current-password" required />
      <label htmlFor="new">New password</label>
      <input id="new" name="new" type="password" autoComplete="new-password" required minLength={8} />
      {message && (
        <p className={message.kind === 'error' ? 'alert' : 'notice'} role={message.kind === 'error' ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
      <p>
        <button type="submit" className="primary" disabled={busy || !hydrated}>
          {busy ? 'Changing…' : 'Change password'}
        </button>
      </p>
    </form>
  );
}
