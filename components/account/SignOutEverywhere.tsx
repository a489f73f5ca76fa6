'use client';

import { useState } from 'react';
import { api } from '@/lib/client/api';
import { useHydrated } from '../useHydrated';

export function SignOutEverywhere() {
  const [error, setError] = useState<string | null>(null);
  const hydrated = useHydrated();
  return (
    <>
      <button
        type="button"
        className="danger"
        disabled={!hydrated}
        onClick={async () => {
          try {
            await api('/api/auth/logout-all', { method: 'POST' });
            window.location.assign('/login');
          } catch (e) {
            setError((e as Error).message);
          }
        }}
      >
        Sign out everywhere
      </button>
      {error && (
        <p className="alert" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
