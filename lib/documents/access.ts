import 'server-only';
import { canEdit, canManage } from '../auth/roles';
import { ApiError } from '../http/errors';
import { isId } from '../ids';
import type { DocumentInfo, Role, Storage } from '../storage';

export type Need = 'read' | 'edit' | 'manage';

/**
 * The document and the caller's role, or the API error for why not: 404 when it does not
 * exist, 403 when the caller may not do what they need.
 */
export async function requireAccess(storage: Storage, documentId: string, userId: string, need: Need): Promise<{ document: DocumentInfo; role: Role }> {
  if (!isId(documentId)) throw new ApiError('not_found', 'No such document.');
  const found = await storage.documents.access(documentId, userId);
  if (!found) throw new ApiError('not_found', 'No such document.');
  const { document, role } = found;
  if (!role) throw new ApiError('forbidden', 'You do not have access to this document.');
  if (need === 'edit' && !canEdit(role)) throw new ApiError('forbidden', 'You can view this document but not edit it.');
  if (need === 'manage' && !canManage(role)) throw new ApiError('forbidden', 'Only the owner can do this.');
  return { document, role };
}
