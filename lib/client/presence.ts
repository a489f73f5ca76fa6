import type { Awareness } from 'y-protocols/awareness';

/** One person in a document, as presence shows them (several tabs of one account are one person). */
export interface Person {
  id: string;
  name: string;
  color: string;
  /** Every connection of theirs is idle. */
  idle: boolean;
  /** This browser's own account. */
  self: boolean;
}

/** Up to two initials of a name: "Ada Lovelace" → "AL", "bo" → "B". */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : words;
  return letters.map((w) => Array.from(w)[0]?.toUpperCase() ?? '').join('') || '?';
}

interface UserField {
  id?: unknown;
  name?: unknown;
  color?: unknown;
}

/**
 * Everyone in the awareness states, one entry per account (the server stamps `user` with the
 * authenticated account, so it can be trusted), self first, then by name.
 */
export function peopleFrom(states: Map<number, Record<string, unknown>>, selfClientId: number): Person[] {
  const selfId = (states.get(selfClientId)?.user as UserField | undefined)?.id;
  const byId = new Map<string, Person>();
  for (const [clientId, state] of states) {
    const u = state.user as UserField | undefined;
    if (!u || typeof u.id !== 'string' || typeof u.name !== 'string') continue;
    const idle = state.idle === true;
    const prev = byId.get(u.id);
    if (prev) {
      prev.idle &&= idle;
      continue;
    }
    byId.set(u.id, {
      id: u.id,
      name: u.name,
      color: typeof u.color === 'string' ? u.color : '#59636e',
      idle,
      self: clientId === selfClientId || u.id === selfId,
    });
  }
  return [...byId.values()].sort((a, b) => Number(b.self) - Number(a.self) || a.name.localeCompare(b.name));
}

/**
 * Marks this client idle in awareness after `idleMs` without input, or while the page is hidden,
 * and active again on the next input. Writes awareness only on transitions.
 */
export function trackIdle(awareness: Awareness, idleMs: number): () => void {
  let idle = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const set = (next: boolean) => {
    if (next === idle) return;
    idle = next;
    awareness.setLocalStateField('idle', next);
  };
  const active = () => {
    set(document.visibilityState === 'hidden');
    clearTimeout(timer);
    timer = setTimeout(() => set(true), idleMs);
  };
  const events = ['keydown', 'pointerdown', 'pointermove', 'focus', 'visibilitychange'] as const;
  for (const e of events) window.addEventListener(e, active, { passive: true });
  document.addEventListener('visibilitychange', active);
  active();
  return () => {
    clearTimeout(timer);
    for (const e of events) window.removeEventListener(e, active);
    document.removeEventListener('visibilitychange', active);
  };
}
