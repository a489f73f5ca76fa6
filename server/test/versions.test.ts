import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { restoreVersion, saveNamedVersion } from '../../lib/documents/versions';
import { FRAGMENT } from '../../lib/editor/extensions';
import type { EditMark } from '../../lib/storage';
import { AppendWorker } from '../append-client';
import { client, signedInUser, startHarness, storedDoc, waitFor, type Harness } from './helpers';

/**
 * Version history against a real server: automatic versions after a burst and when the last
 * person leaves, and a restore that reaches two connected clients at once as a new change.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ VERSION_QUIET: '300ms', VERSION_INTERVAL: '1s' }, { accessPollMs: 50 });
});
afterAll(async () => {
  await h.stop();
});

/** Paragraph texts of the editor's fragment, as Tiptap stores them. */
const paragraphs = (d: Y.Doc) => d.getXmlFragment(FRAGMENT).toArray().map((n) => (n as Y.XmlElement).toArray().map((t) => (t as Y.XmlText).toString()).join(''));
function addParagraph(d: Y.Doc, text: string) {
  const p = new Y.XmlElement('paragraph');
  p.insert(0, [new Y.XmlText(text)]);
  const f = d.getXmlFragment(FRAGMENT);
  f.insert(f.length, [p]);
}

async function sharedDoc() {
  const a = await signedInUser(h.storage, h.config, 'Ada');
  const b = await signedInUser(h.storage, h.config, 'Bo');
  const doc = await h.storage.documents.create({ title: 'History', ownerId: a.user.id, now: Date.now() });
  await h.storage.members.share(doc.id, b.user.email, 'editor', Date.now());
  await h.storage.members.acceptInvite(doc.id, b.user.id, b.user.email, Date.now());
  return { a, b, doc };
}

/** Ada alone in a new document on `harness`, synced, after typing `text` and seeing it saved. */
async function adaTyped(harness: Harness, title: string, text: string) {
  const a = await signedInUser(harness.storage, harness.config, 'Ada');
  const doc = await harness.storage.documents.create({ title, ownerId: a.user.id, now: Date.now() });
  const ca = client(harness, doc.id, a.cookie);
  await waitFor(() => ca.provider.synced, 5000, 'synced');
  addParagraph(ca.doc, text);
  await waitFor(() => ca.tracker.state.kind === 'saved', 5000, 'saved');
  return { a, doc, ca };
}

describe('version history', () => {
  it('records a version after a burst of editing, naming who edited', async () => {
    const { a, b, doc } = await sharedDoc();
    const ca = client(h, doc.id, a.cookie);
    const cb = client(h, doc.id, b.cookie);
    await waitFor(() => ca.provider.synced && cb.provider.synced, 5000, 'synced');
    addParagraph(ca.doc, 'from Ada');
    addParagraph(cb.doc, 'from Bo');
    await waitFor(async () => (await h.storage.versions.list(doc.id)).length === 1, 5000, 'an automatic version');
    const [v] = await h.storage.versions.list(doc.id);
    expect(v.kind).toBe('auto');
    expect(v.editors.map((e) => e.name).sort()).toEqual(['Ada', 'Bo']);
    const shown = new Y.Doc();
    Y.applyUpdate(shown, (await h.storage.versions.get(doc.id, v.id))!.data);
    expect(paragraphs(shown).sort()).toEqual(['from Ada', 'from Bo']);
    ca.destroy();
    cb.destroy();
  });

  it('restores a version as a new change both connected clients see at once, keeping history', async () => {
    const { a, b, doc } = await sharedDoc();
    const ca = client(h, doc.id, a.cookie);
    const cb = client(h, doc.id, b.cookie);
    await waitFor(() => ca.provider.synced && cb.provider.synced, 5000, 'synced');
    addParagraph(ca.doc, 'first draft');
    await waitFor(() => ca.tracker.state.kind === 'saved', 5000, 'saved');
    const named = await saveNamedVersion(h.storage, doc.id, a.user.id, 'Before the rewrite');
    // Bo rewrites everything; it is stored.
    cb.doc.transact(() => cb.doc.getXmlFragment(FRAGMENT).delete(0, cb.doc.getXmlFragment(FRAGMENT).length));
    addParagraph(cb.doc, 'rewritten by Bo');
    await waitFor(() => cb.tracker.state.kind === 'saved' && paragraphs(ca.doc).join() === 'rewritten by Bo', 5000, 'rewrite everywhere');

    const t0 = Date.now();
    const restored = await restoreVersion(h.storage, doc.id, named.id, a.user.id);
    await waitFor(() => paragraphs(ca.doc).join() === 'first draft' && paragraphs(cb.doc).join() === 'first draft', 3000, 'restore reached both clients');
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(paragraphs(await storedDoc(h.storage, doc.id))).toEqual(['first draft']);
    // Nothing deleted from history; the restore is in it, newest first.
    const list = await h.storage.versions.list(doc.id);
    expect(list[0]).toMatchObject({ id: restored!.id, kind: 'restore', name: 'Restored: Before the rewrite' });
    expect(list.map((v) => v.id)).toContain(named.id);
    // Editing goes on normally on top of the restore.
    addParagraph(cb.doc, 'after restore');
    await waitFor(() => paragraphs(ca.doc).join('|') === 'first draft|after restore', 5000, 'edits after restore');
    ca.destroy();
    cb.destroy();
  });

  it('writes the edit marks of documents edited at about the same time in one storage call', async () => {
    // A write each was a commit each on the event loop: a thousand documents edited at once
    // stalled every connection (docs/BENCHMARKS.md, rooms-1000).
    const a = await signedInUser(h.storage, h.config, 'Ada');
    const docs = await Promise.all([1, 2, 3, 4].map((i) => h.storage.documents.create({ title: `Marked ${i}`, ownerId: a.user.id, now: Date.now() })));
    const clients = docs.map((d) => client(h, d.id, a.cookie));
    await waitFor(() => clients.every((c) => c.provider.synced), 5000, 'synced');
    // Marks are written by the append worker with SQLite, on the storage's connection otherwise: count either.
    const versions = h.storage.versions;
    const calls: number[] = [];
    const count = (marks: readonly EditMark[]) => calls.push(marks.filter((m) => docs.some((d) => d.id === m.documentId)).length);
    const original = versions.markEditedMany.bind(versions);
    const originalMark = AppendWorker.prototype.mark;
    versions.markEditedMany = (marks) => (count(marks), original(marks));
    let viaWorker = 0;
    let versionsViaWorker = 0;
    const originalSave = AppendWorker.prototype.saveVersion;
    AppendWorker.prototype.saveVersion = function (version) {
      if (docs.some((d) => d.id === version.documentId)) versionsViaWorker += 1;
      return originalSave.call(this, version);
    };
    AppendWorker.prototype.mark = function (marks) {
      viaWorker += 1;
      count(marks);
      return originalMark.call(this, marks);
    };
    try {
      clients.forEach((c, i) => addParagraph(c.doc, `edit ${i}`));
      await waitFor(() => calls.reduce((n, k) => n + k, 0) >= docs.length, 5000, 'the marks written');
      expect(calls.filter((k) => k > 0)).toEqual([docs.length]);
      // With SQLite, off the event loop: their commit waits for an fsync.
      expect(viaWorker).toBeGreaterThan(0);
      // And the version each document gets after its burst names the editor those marks recorded.
      await waitFor(async () => (await Promise.all(docs.map((d) => h.storage.versions.list(d.id)))).every((l) => l.length === 1), 5000, 'versions');
      for (const d of docs) expect((await h.storage.versions.list(d.id))[0].editors).toEqual([{ id: a.user.id, name: 'Ada' }]);
      // Saved by the append worker too (a commit on the event loop's connection would stall it).
      expect(versionsViaWorker).toBe(docs.length);
    } finally {
      versions.markEditedMany = original;
      AppendWorker.prototype.mark = originalMark;
      AppendWorker.prototype.saveVersion = originalSave;
      clients.forEach((c) => c.destroy());
    }
  });

  it('stores the edit mark of an acknowledged edit: a version made right after names its editor', async () => {
    // A named version is saved by the app, another process: it sees only what is stored. Marks
    // are gathered, yet never past the acknowledgement of the edit they record.
    const slow = await startHarness({ VERSION_QUIET: '1h', VERSION_INTERVAL: '1h' });
    try {
      const { a, doc, ca } = await adaTyped(slow, 'Marked at once', 'typed just now');
      const v = await slow.storage.versions.create({ documentId: doc.id, kind: 'named', name: 'Now', data: Y.encodeStateAsUpdate(ca.doc), createdBy: a.user.id, now: Date.now() });
      expect(v.editors).toEqual([{ id: a.user.id, name: 'Ada' }]);
      ca.destroy();
    } finally {
      await slow.stop();
    }
  });

  it('records a version when the last person leaves (however soon)', async () => {
    // Bursts would only end after an hour here: the version must come from leaving.
    const slow = await startHarness({ VERSION_QUIET: '1h', VERSION_INTERVAL: '1h' });
    const { a, doc, ca } = await adaTyped(slow, 'Leaving', 'quick note');
    ca.destroy();
    await waitFor(async () => (await slow.storage.versions.list(doc.id)).length === 1, 5000, 'a version on close');
    const [v] = await slow.storage.versions.list(doc.id);
    expect(v).toMatchObject({ kind: 'auto', editors: [{ id: a.user.id, name: 'Ada' }] });
    const shown = new Y.Doc();
    Y.applyUpdate(shown, (await slow.storage.versions.get(doc.id, v.id))!.data);
    expect(paragraphs(shown)).toEqual(['quick note']);
    await slow.stop();
  });
});
