import 'server-only';
import * as Y from 'yjs';
import type { Storage, VersionSummary } from '../storage';
import { FRAGMENT } from '../editor/extensions';

/** The most versions a document lists. */
export const VERSIONS_LISTED = 200;

/** The whole stored document as one update (all content, every deletion). */
export function stateOf(updates: readonly Uint8Array[]): Uint8Array {
  const doc = new Y.Doc();
  doc.transact(() => {
    for (const u of updates) Y.applyUpdate(doc, u);
  });
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return state;
}

/**
 * The change that makes `current` show what `version` shows: the editor's content is replaced
 * by copies of the version's. A new change on top of history, so nothing is deleted from it and
 * every connected person receives it like any other edit.
 */
export function restoreChange(current: readonly Uint8Array[], version: Uint8Array): Uint8Array {
  const doc = new Y.Doc();
  doc.transact(() => {
    for (const u of current) Y.applyUpdate(doc, u);
  });
  const from = new Y.Doc();
  Y.applyUpdate(from, version);
  const changes: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => changes.push(u));
  doc.transact(() => {
    const fragment = doc.getXmlFragment(FRAGMENT);
    fragment.delete(0, fragment.length);
    fragment.insert(0, from.getXmlFragment(FRAGMENT).toArray().map((n) => n.clone() as Y.XmlElement | Y.XmlText));
  });
  doc.destroy();
  from.destroy();
  return changes.length === 1 ? changes[0] : Y.mergeUpdates(changes);
}

/** Saves the stored document as a version named by `userId`. */
export async function saveNamedVersion(storage: Storage, documentId: string, userId: string, name: string): Promise<VersionSummary> {
  const data = stateOf(await storage.updates.load(documentId));
  return storage.versions.create({ documentId, kind: 'named', name, data, createdBy: userId, now: Date.now() });
}

/**
 * Restores a version: stores the change that brings its content back, records the result as a
 * version of its own, and tells the collaboration servers, which pass it to everyone connected.
 */
export async function restoreVersion(storage: Storage, documentId: string, versionId: string, userId: string): Promise<VersionSummary | undefined> {
  const version = await storage.versions.get(documentId, versionId);
  if (!version) return undefined;
  const label = version.name ?? new Date(version.createdAt).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  const current = await storage.updates.load(documentId);
  const change = restoreChange(current, version.data);
  const now = Date.now();
  await storage.updates.append([{ documentId, data: change }], now);
  await storage.versions.markEdited(documentId, userId, now);
  const restored = await storage.versions.create({ documentId, kind: 'restore', name: `Restored: ${label}`, data: stateOf([...current, change]), createdBy: userId, now });
  await storage.events.record({ kind: 'content', documentId }, now);
  return restored;
}
