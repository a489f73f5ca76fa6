import type { Role } from '../storage/schema';

export type { Role };

/** Whether a role may change the document's content. */
export function canEdit(role: Role | null | undefined): boolean {
  return role === 'owner' || role === 'editor';
}

/** Whether a role may rename, share and delete the document. */
export function canManage(role: Role | null | undefined): boolean {
  return role === 'owner';
}
