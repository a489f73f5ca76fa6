'use client';

import { useSyncExternalStore } from 'react';

const subscribe = () => () => {};

/**
 * False in the server-rendered HTML and until React has hydrated, true after. Controls whose
 * action needs JavaScript stay disabled until then, so an early click is not silently lost
 * (and a form is never submitted natively, which would put its fields in the URL).
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}
