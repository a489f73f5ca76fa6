'use client';

import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import { initials, peopleFrom, trackIdle, type Person } from '@/lib/client/presence';

/** Avatars shown before the rest collapse into "+N". */
const SHOWN = 4;

declare global {
  interface Window {
    /** Tests shorten the idle delay; people get 60 s. */
    __TANDEM_IDLE_MS__?: number;
  }
}

/** Scrolls to the person's caret in the editor, if they have one. */
function scrollToCaret(person: Person): void {
  const caret = document.querySelector(`.collaboration-carets__caret[data-user-id="${CSS.escape(person.id)}"]`);
  caret?.scrollIntoView({ block: 'center', behavior: 'smooth' });
  caret?.classList.add('flash');
  setTimeout(() => caret?.classList.remove('flash'), 1200);
}

function usePeople(awareness: Awareness): Person[] {
  const key = useSyncExternalStore(
    (fn) => {
      awareness.on('change', fn);
      return () => awareness.off('change', fn);
    },
    // A string snapshot, so React re-renders only when someone joins, leaves, or goes idle.
    () => JSON.stringify(peopleFrom(awareness.getStates() as Map<number, Record<string, unknown>>, awareness.clientID)),
    () => '[]',
  );
  return useMemo(() => JSON.parse(key) as Person[], [key]);
}

/** Who is in the document: avatars with initials in each person's colour, idle ones dimmed. */
export function Presence({ awareness }: { awareness: Awareness }) {
  const people = usePeople(awareness);
  useEffect(() => trackIdle(awareness, window.__TANDEM_IDLE_MS__ ?? 60_000), [awareness]);
  const shown = people.slice(0, SHOWN);
  const rest = people.slice(SHOWN);
  const label = people.length === 1 ? 'Only you are here' : `${people.length} people here`;
  return (
    <div className="presence" data-testid="presence" role="group" aria-label={label} data-count={people.length}>
      {shown.map((p) => {
        const name = `${p.name}${p.self ? ' (you)' : ''}${p.idle ? ' (idle)' : ''}`;
        return p.self ? (
          <span key={p.id} className="avatar" data-idle={p.idle} data-user-id={p.id} style={{ background: p.color }} role="img" aria-label={name} title={name}>
            {initials(p.name)}
          </span>
        ) : (
          <button
            key={p.id}
            type="button"
            className="avatar"
            data-idle={p.idle}
            data-user-id={p.id}
            style={{ background: p.color }}
            aria-label={`${name}: go to their cursor`}
            title={name}
            onClick={() => scrollToCaret(p)}
          >
            {initials(p.name)}
          </button>
        );
      })}
      {rest.length > 0 && (
        <span className="avatar more" data-testid="presence-more" role="img" aria-label={`and ${rest.length} more: ${rest.map((p) => p.name).join(', ')}`} title={rest.map((p) => p.name).join(', ')}>
          +{rest.length}
        </span>
      )}
    </div>
  );
}
