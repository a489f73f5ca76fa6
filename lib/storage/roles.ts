import type { LinkAccess, Role } from './schema';

const RANK: Record<Role, number> = { viewer: 1, editor: 2, owner: 3 };

/** The stronger of two roles (null means none). */
export function strongest(a: Role | null, b: Role | null): Role | null {
  if (!a) return b;
  if (!b) return a;
  return RANK[a] >= RANK[b] ? a : b;
}

/** Sorts owner first, then editors, then viewers. */
export function byRank(a: Role, b: Role): number {
  return RANK[b] - RANK[a];
}

/** What a link grant gives while the link is on. */
export function linkRole(access: LinkAccess | null | undefined): Role | null {
  return access === 'viewer' || access === 'editor' ? access : null;
}
