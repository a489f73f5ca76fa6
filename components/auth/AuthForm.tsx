'use client';

import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { api } from '@/lib/client/api';
import { useHydrated } from '../useHydrated';

/** Sign-up and log-in form; on success goes to `next` (a same-site path). */
export function AuthForm({ mode, next }: { mode: 'login' | 'signup'; next: string }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const signup = mode === 'signup';
  const hydrated = useHydrated();

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    try {
      await api(`/api/auth/${mode}`, {
        method: 'POST',
        body: {
          email: form.get('email'),
          password: form.get('password'),
          ...(signup && { name: form.get('name') }),
        },
      });
      window.location.assign(next);
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  }

  const other = signup ? '/login' : '/signup';
  const otherHref = next !== '/' ? `${other}?next=${encodeURIComponent(next)}` : other;
  return (
    <div className="card auth-card">
      <h1>{signup ? 'Create your account' : 'Log in to Tandem'}</h1>
      <form method="post" onSubmit={submit} aria-describedby={error ? 'auth-error' : undefined}>
        {signup && (
          <>
            <label htmlFor="name">Name</label>
            <input id="name" name="name" autoComplete="name" required maxLength={80} />
            <p className="field-hint">Shown to people you edit with.</p>
          </>
        )}
        <label htmlFor="email">Email</label>
        <input id="email" name="email" type="email" autoComplete="email" required />
        <label htmlFor="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete={signup ? 'new-password' : 'current-password'}
          required
          minLength={signup ? 8 : undefined}
        />
        {signup && <p className="field-hint">At least 8 characters.</p>}
        {error && (
          <p id="auth-error" className="alert" role="alert">
            {error}
          </p>
        )}
        <div className="actions">
          <Link href={otherHref}>{signup ? 'I have an account' : 'Create an account'}</Link>
          <button type="submit" className="primary" disabled={busy || !hydrated}>
            {busy ? (signup ? 'Creating…' : 'Logging in…') : signup ? 'Sign up' : 'Log in'}
          </button>
        </div>
      </form>
    </div>
  );
}
