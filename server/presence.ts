import type { LivePerson } from '../lib/protocol/live';

/**
 * Who is in a room, from its awareness states: one entry per account (several tabs are one
 * person), idle only if every one of their connections is, sorted by name. `user` is trusted:
 * the server stamps it with the connection's account (see room.ts).
 */
export function peopleIn(states: Map<number, Record<string, unknown>>): LivePerson[] {
  const people: LivePerson[] = [];
  for (const state of states.values()) {
    const user = state.user as { id: string; name: string; color: string } | undefined;
    if (user) people.push({ id: user.id, name: user.name, color: user.color, idle: state.idle === true });
  }
  return mergePeople(people);
}

/** One entry per account (idle only if every entry of it is), sorted by name. */
export function mergePeople(people: Iterable<LivePerson>): LivePerson[] {
  const byId = new Map<string, LivePerson>();
  for (const p of people) {
    const prev = byId.get(p.id);
    if (prev) prev.idle &&= p.idle;
    else byId.set(p.id, { ...p });
  }
  return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}
