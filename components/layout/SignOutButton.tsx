'use client';

import { useState } from 'react';
import { useHydrated } from '../useHydrated';

export function SignOutButton() {
  const [busy, setBusy] = useState(false);
  const hydrated = useHydrated();
  return (
    <button
      type="button"
      disabled={busy || !hydrated}
      onClick={async () => {
        setBusy(true);
        await fetch('/api/auth/logout', { method: 'POST' }).catch(() => undefined);
        window.location.assign('/login');
      }}
    >
      {busy ? 'Signing out…' : 'Sign out'}
    </button>
  );
}
