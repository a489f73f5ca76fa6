import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { FRAGMENT } from '@/lib/editor/extensions';
import { account, call, errorOf, newDoc } from './test-api';

const versions = await import('./documents/[id]/versions/route');
const version = await import('./documents/[id]/versions/[versionId]/route');
const restore = await import('./documents/[id]/versions/[versionId]/restore/route');
const members = await import('./documents/[id]/members/route');
const content = await import('./documents/[id]/content/route');
const { appStorage } = await import('@/lib/server/storage');

/** Stores one paragraph at the start, as a client that has the stored document would. */
async function write(documentId: string, text: string) {
  const d = new Y.Doc();
  for (const u of await (await appStorage()).updates.load(documentId)) Y.applyUpdate(d, u);
  const p = new Y.XmlElement('paragraph');
  p.insert(0, [new Y.XmlText(text)]);
  const f = d.getXmlFragment(FRAGMENT);
  f.insert(0, [p]);
  await (await appStorage()).updates.append([{ documentId, data: Y.encodeStateAsUpdate(d) }], Date.now());
}

describe('versions API', () => {
  it('saves, lists, shows and restores versions; viewers may only look', async () => {
    const owner = await account('Owner');
    const viewer = await account('Viewer');
    const d = await newDoc(owner.cookie);
    await call(members.POST, 'POST', '', { params: { id: d.id }, cookie: owner.cookie, body: { email: viewer.email, role: 'viewer' } });
    await (await appStorage()).members.acceptInvite(d.id, viewer.id, viewer.email, Date.now());
    await write(d.id, 'Hello');

    const saved = await call(versions.POST, 'POST', '', { params: { id: d.id }, cookie: owner.cookie, body: { name: ' First ' } });
    expect(saved.status).toBe(201);
    const v = await saved.json();
    expect(v).toMatchObject({ kind: 'named', name: 'First', createdBy: owner.id });
    expect(await errorOf(await call(versions.POST, 'POST', '', { params: { id: d.id }, cookie: owner.cookie, body: { name: '' } }))).toMatchObject({ status: 400 });
    expect(await errorOf(await call(versions.POST, 'POST', '', { params: { id: d.id }, cookie: viewer.cookie, body: { name: 'x' } }))).toMatchObject({ status: 403 });

    const list = await (await call(versions.GET, 'GET', '', { params: { id: d.id }, cookie: viewer.cookie })).json();
    expect(list.versions.map((x: { id: string }) => x.id)).toEqual([v.id]);
    const asText = await call(version.GET, 'GET', `/x?format=text`, { params: { id: d.id, versionId: v.id }, cookie: viewer.cookie });
    expect(await asText.text()).toBe('Hello');
    const asJson = await (await call(version.GET, 'GET', '', { params: { id: d.id, versionId: v.id }, cookie: viewer.cookie })).json();
    expect(asJson.content).toEqual({ type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Hello' }] }] });
    expect(asJson).not.toHaveProperty('data');
    expect(await errorOf(await call(version.GET, 'GET', '/x?format=pdf', { params: { id: d.id, versionId: v.id }, cookie: viewer.cookie }))).toMatchObject({ status: 400 });
    expect(await errorOf(await call(version.GET, 'GET', '', { params: { id: d.id, versionId: 'missing' }, cookie: viewer.cookie }))).toMatchObject({ status: 404 });

    await write(d.id, 'Changed ');
    expect(await (await call(content.GET, 'GET', '/x?format=text', { params: { id: d.id }, cookie: owner.cookie })).text()).toBe('Changed \nHello');
    expect(await errorOf(await call(restore.POST, 'POST', '', { params: { id: d.id, versionId: v.id }, cookie: viewer.cookie }))).toMatchObject({ status: 403 });
    const r = await call(restore.POST, 'POST', '', { params: { id: d.id, versionId: v.id }, cookie: owner.cookie });
    expect(r.status).toBe(201);
    expect(await r.json()).toMatchObject({ kind: 'restore', name: 'Restored: First' });
    expect(await (await call(content.GET, 'GET', '/x?format=text', { params: { id: d.id }, cookie: owner.cookie })).text()).toBe('Hello');
    const after = await (await call(versions.GET, 'GET', '', { params: { id: d.id }, cookie: owner.cookie })).json();
    expect(after.versions.map((x: { kind: string }) => x.kind)).toEqual(['restore', 'named']);
    // Another account without access learns nothing.
    const stranger = await account('Stranger');
    expect(await errorOf(await call(versions.GET, 'GET', '', { params: { id: d.id }, cookie: stranger.cookie }))).toMatchObject({ status: 403 });
  });
});
