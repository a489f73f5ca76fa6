import 'server-only';
import { ApiError } from '../http/errors';
import type { DocumentInfo, Storage } from '../storage';
import { ImportError, parseImport, seedUpdate, titleFrom, type ImportFormat } from './formats/import';

const UNTITLED = 'Untitled document';

/**
 * Creates a document, empty or holding an imported file. Imported content is stored with the
 * document in one transaction, before its id is known to anyone, so it is seeded exactly once
 * and never by a client.
 */
export async function createDocument(
  storage: Storage,
  ownerId: string,
  input: { title?: string; content?: string; format?: ImportFormat },
): Promise<DocumentInfo> {
  if (input.content === undefined || input.format === undefined) {
    return storage.documents.create({ title: input.title ?? UNTITLED, ownerId, now: Date.now() });
  }
  let node;
  try {
    node = parseImport(input.content, input.format);
  } catch (e) {
    if (e instanceof ImportError) throw new ApiError(e.tooLarge ? 'payload_too_large' : 'invalid_request', e.message);
    throw e;
  }
  const title = input.title ?? titleFrom(node) ?? UNTITLED;
  return storage.documents.create({ title, ownerId, now: Date.now(), initial: seedUpdate(node) });
}
