'use client';

import { useSyncExternalStore } from 'react';
import type { SaveState, SaveTracker } from '@/lib/client/save-tracker';

const WORDS: Record<Exclude<SaveState['kind'], 'error'>, string> = {
  connecting: 'Connecting…',
  saving: 'Saving…',
  saved: 'All changes saved',
  offline: 'Offline — your changes are kept on this device and will be saved when you reconnect',
};

/** Where the user's edits are, in words and as `data-state`. */
export function SaveStatus({ tracker }: { tracker: SaveTracker | null }) {
  const state = useSyncExternalStore(
    (fn) => (tracker ? tracker.subscribe(fn) : () => {}),
    () => tracker?.state ?? CONNECTING,
    () => CONNECTING,
  );
  const text = state.kind === 'error' ? state.reason : WORDS[state.kind];
  return (
    <span className="save-status" data-testid="save-status" data-state={state.kind} role="status" aria-live="polite">
      {text}
    </span>
  );
}

const CONNECTING: SaveState = { kind: 'connecting' };
