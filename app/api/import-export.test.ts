import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { account, call, errorOf } from './test-api';

const documents = await import('./documents/route');
const content = await import('./documents/[id]/content/route');
const members = await import('./documents/[id]/members/route');
const { appStorage } = await import('@/lib/server/storage');

const lists = readFileSync(join(import.meta.dirname, '../../test/corpus/lists.md'), 'utf8');

async function importDoc(cookie: string, body: unknown) {
  return call(documents.POST, 'POST', '/api/documents', { cookie, body });
}

async function get(cookie: string, id: string, query: string) {
  return call(content.GET, 'GET', `/api/documents/${id}/content?${query}`, { params: { id }, cookie });
}

describe('import through POST /api/documents and export through GET …/content', () => {
  it('imports Markdown on the server and exports it back unchanged in every format', async () => {
    const owner = await account('Importer');
    const r = await importDoc(owner.cookie, { title: 'Lists', content: lists, format: 'markdown' });
    expect(r.status).toBe(201);
    const { id, title } = await r.json();
    expect(title).toBe('Lists');
    // Seeded once, as one stored update, before anyone could open it.
    expect(await (await appStorage()).updates.load(id)).toHaveLength(1);

    const md = await get(owner.cookie, id, 'format=markdown');
    expect(md.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(md.headers.get('content-disposition')).toBeNull();
    const exported = await md.text();
    expect(exported).toContain('- [x] A finished task\n  - [ ] A nested task');
    expect(exported).toContain('5. Starts at five');

    const again = await (await importDoc(owner.cookie, { content: exported, format: 'markdown' })).json();
    expect(again.title).toBe('First bullet');
    expect(await (await get(owner.cookie, again.id, 'format=json')).json()).toEqual(await (await get(owner.cookie, id, 'format=json')).json());

    const html = await get(owner.cookie, id, 'format=html&download=1');
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.headers.get('content-security-policy')).toContain('sandbox');
    expect(html.headers.get('content-disposition')).toBe(`attachment; filename="Lists.html"; filename*=UTF-8''Lists.html`);
    const page = await html.text();
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('<title>Lists</title>');
    expect(page).toContain('<ol start="5">');

    const text = await get(owner.cookie, id, 'format=text&download=1');
    expect(text.headers.get('content-disposition')).toContain('filename="Lists.txt"');
    expect(await text.text()).toContain('An open task');
  });

  it('imports HTML, titled from its first heading when no title is given', async () => {
    const owner = await account('HtmlImporter');
    const r = await importDoc(owner.cookie, { content: '<h1>Meeting notes</h1><ul><li><p>one</p></li></ul><script>alert(1)</script>', format: 'html' });
    expect(r.status).toBe(201);
    const { id, title } = await r.json();
    expect(title).toBe('Meeting notes');
    expect(await (await get(owner.cookie, id, 'format=markdown')).text()).toBe('# Meeting notes\n\n- one\n');
  });

  it('refuses bad imports with clear errors and creates nothing', async () => {
    const owner = await account('BadImporter');
    const before = (await (await call(documents.GET, 'GET', '/api/documents', { cookie: owner.cookie })).json()).documents.length;
    expect(await errorOf(await importDoc(owner.cookie, { content: '# x', format: 'docx' }))).toMatchObject({ status: 400, message: 'format: format must be markdown or html.' });
    expect(await errorOf(await importDoc(owner.cookie, { content: '# x' }))).toMatchObject({ status: 400, message: 'format: Send content and format together (format: markdown or html).' });
    expect(await errorOf(await importDoc(owner.cookie, { content: 42, format: 'markdown' }))).toMatchObject({ status: 400 });
    expect(await errorOf(await importDoc(owner.cookie, { content: 'x\u0000y', format: 'markdown' }))).toMatchObject({ status: 400, message: 'This is not a Markdown file: it contains binary data.' });
    expect(await errorOf(await importDoc(owner.cookie, { content: 'a'.repeat(2 * 1024 * 1024 + 1), format: 'markdown' }))).toMatchObject({ status: 413, code: 'payload_too_large' });
    expect(await errorOf(await importDoc(owner.cookie, { content: 'a'.repeat(7 * 1024 * 1024), format: 'html' }))).toMatchObject({ status: 413 });
    expect(await errorOf(await importDoc(owner.cookie, { content: '<style>p{}</style>', format: 'html' }))).toMatchObject({ status: 400 });
    const after = (await (await call(documents.GET, 'GET', '/api/documents', { cookie: owner.cookie })).json()).documents.length;
    expect(after).toBe(before);
  });

  it('exports only to people with access, and only known formats', async () => {
    const owner = await account('Exporter');
    const viewer = await account('ExportViewer');
    const stranger = await account('ExportStranger');
    const { id } = await (await importDoc(owner.cookie, { title: 'Shared', content: 'Hello **there**', format: 'markdown' })).json();
    await call(members.POST, 'POST', '', { params: { id }, cookie: owner.cookie, body: { email: viewer.email, role: 'viewer' } });
    await (await appStorage()).members.acceptInvite(id, viewer.id, viewer.email, Date.now());
    expect(await (await get(viewer.cookie, id, 'format=markdown')).text()).toBe('Hello **there**\n');
    expect(await errorOf(await get(stranger.cookie, id, 'format=markdown'))).toMatchObject({ status: 403 });
    expect(await errorOf(await get(owner.cookie, id, 'format=pdf'))).toMatchObject({ status: 400, message: 'format must be json, text, markdown or html.' });
    expect(await errorOf(await call(content.GET, 'GET', `/x?format=text`, { params: { id } }))).toMatchObject({ status: 401 });
  });
});
