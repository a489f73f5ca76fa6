import type { Page } from '@playwright/test';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { connectDocument } from '../lib/client/provider';
import { EditorPage } from './pages/editor';
import { ListPage } from './pages/list';
import { sharedDocument } from './support/shared-document';
import { apiHeaders, expect, newAccount, shareThroughApi, signUpInNewContext, test, type Account } from './fixtures';

async function closeAll(...pages: Page[]) {
  for (const p of pages) await p.context().close();
}

// Two browsers each: slow on a busy machine, so these get three times the usual time.
test.beforeEach(() => test.slow());

test('two people format the same paragraph at once and converge', async ({ browser }, info) => {
  const { id, pageA, pageB, a, b } = await sharedDocument(browser, info.testId, 'Formatting race');
  await a.focusEnd();
  await pageA.keyboard.type('alpha beta gamma');
  await a.waitSaved();
  await b.open(id);
  await expect.poll(() => b.text()).toBe('alpha beta gamma');

  // Ada selects the whole paragraph, Bo one word of it, and both format at the same moment.
  await a.editor.click();
  await pageA.keyboard.press('ControlOrMeta+A');
  // Ada's selection is drawn in Bo's editor before he selects: a highlight arriving in the middle
  // of his Shift+Arrow presses redraws his text, and once left him with one letter selected.
  await expect(b.editor.locator('.ProseMirror-yjs-selection')).not.toHaveCount(0);
  await b.focusStart();
  for (let i = 0; i < 'alpha'.length; i++) await pageB.keyboard.press('Shift+ArrowRight');
  await expect.poll(() => b.selection()).toEqual({ collapsed: false, text: 'alpha' });
  await Promise.all([
    pageA.keyboard.press('ControlOrMeta+B').then(() => a.tool('Underline').click()),
    pageB.keyboard.press('ControlOrMeta+I').then(() => b.tool('Strikethrough').click()),
  ]);

  await a.waitSaved();
  await b.waitSaved();
  await expect.poll(async () => JSON.stringify(await a.json()) === JSON.stringify(await b.json()), { timeout: 15_000 }).toBe(true);
  // Nothing was lost: every mark either person applied is there, for both.
  for (const e of [a, b]) {
    const doc = (await e.json()) as Node;
    expect(marked(doc, 'bold')).toBe('alpha beta gamma');
    expect(marked(doc, 'underline')).toBe('alpha beta gamma');
    expect(marked(doc, 'italic')).toBe('alpha');
    expect(marked(doc, 'strike')).toBe('alpha');
  }
  await closeAll(pageA, pageB);
});

test('keys pressed right after clicking into the text act on what the person sees, with a collaborator in the document', async ({ browser }, info) => {
  const { id, pageA, pageB, a, b } = await sharedDocument(browser, info.testId, 'Quick keys');
  await a.focusEnd();
  await pageA.keyboard.type('alpha beta gamma');
  await a.waitSaved();
  await b.open(id);
  await expect.poll(() => b.text()).toBe('alpha beta gamma');
  // Ada's selection is drawn in Bo's editor, and each click of his publishes his caret to her.
  await a.editor.click();
  await pageA.keyboard.press('ControlOrMeta+A');
  await expect(b.editor.locator('.ProseMirror-yjs-selection')).not.toHaveCount(0);
  // Bo clicks into the text and at once selects the first word and toggles italic, four times
  // (on, off, on, off), without waiting between the click and the keys, as a person does. The
  // browser reports each selection change a moment later; the shortcut must not act on the old one.
  for (let round = 1; round <= 4; round++) {
    await pageB.bringToFront();
    await b.editor.click();
    await pageB.keyboard.press('Home');
    for (let i = 0; i < 'alpha'.length; i++) await pageB.keyboard.press('Shift+ArrowRight');
    await pageB.keyboard.press('ControlOrMeta+I');
    await expect.poll(async () => marked((await b.json()) as Node, 'italic')).toBe(round % 2 ? 'alpha' : '');
  }
  await closeAll(pageA, pageB);
});

test("undo takes back only one's own changes, never a collaborator's", async ({ browser }, info) => {
  const { id, pageA, pageB, a, b } = await sharedDocument(browser, info.testId, 'Undo');
  await b.open(id);
  await a.focusStart();
  await pageA.keyboard.type('Ada wrote this.');
  await a.waitSaved();
  await expect.poll(() => b.text()).toBe('Ada wrote this.');
  await b.focusEnd();
  await pageB.keyboard.press('Enter');
  await pageB.keyboard.type('Bo wrote that.');
  await b.waitSaved();
  await expect.poll(() => a.text()).toBe('Ada wrote this.\nBo wrote that.');

  // Ada undoes everything she can: her text goes, Bo's stays.
  // Typing is grouped into undo steps by pauses, so a slow machine may make more of them:
  // undo until there is nothing left to undo.
  await a.editor.click();
  await undoAll(a);
  // (The first paragraph may go too: it was created by Ada's first keystroke.)
  await expect.poll(async () => (await a.text()).trim()).toBe('Bo wrote that.');
  await expect.poll(async () => (await b.text()).trim()).toBe('Bo wrote that.');
  await expect(a.tool('Undo')).toBeDisabled();
  // Redo brings hers back, still leaving Bo's alone.
  await a.tool('Redo').click();
  for (let i = 0; i < 50 && (await a.tool('Redo').isEnabled()); i++) await pageA.keyboard.press('ControlOrMeta+Shift+Z');
  await expect(a.tool('Redo')).toBeDisabled();
  await expect.poll(() => a.text()).toBe('Ada wrote this.\nBo wrote that.');
  await expect.poll(() => b.text()).toBe('Ada wrote this.\nBo wrote that.');
  // Bo's undo takes back only his line.
  await b.editor.click();
  await undoAll(b);
  await expect.poll(() => b.text()).toBe('Ada wrote this.');
  await expect.poll(() => a.text()).toBe('Ada wrote this.');
  await a.waitSaved();
  await b.waitSaved();
  await closeAll(pageA, pageB);
});

test('presence: avatars with names and initials, idle people dimmed, click scrolls to their caret', async ({ browser }, info) => {
  const { id, ada, bo, pageA, pageB, a, b } = await sharedDocument(browser, info.testId, 'Presence');
  // A long document, so that Bo's caret at the end is off Ada's screen.
  await a.focusEnd();
  await a.paste({ 'text/plain': Array.from({ length: 120 }, (_, i) => `Line ${i + 1} of a long document.`).join('\n') });
  await a.waitSaved();
  await a.focusStart();
  // Bo goes idle quickly in this test (people get a minute).
  await pageB.addInitScript(() => {
    (window as unknown as { __TANDEM_IDLE_MS__: number }).__TANDEM_IDLE_MS__ = 1500;
  });
  await b.open(id);
  await b.focusEnd();

  await expect(a.presence).toHaveAttribute('aria-label', '2 people here');
  await expect(a.avatar(`${ada.name} (you)`)).toHaveText(initialsOf(ada));
  const boAvatar = a.avatar(bo.name);
  await expect(boAvatar).toHaveText(initialsOf(bo));
  // Not dimmed while he types. He keeps typing while Ada looks: typed at once, a loaded machine
  // took longer than the 1.5 s idle delay to get to the check, and he was already idle.
  await Promise.all([expect(boAvatar).toHaveAttribute('data-idle', 'false'), pageB.keyboard.type(' Bo is here', { delay: 250 })]);
  await expect(b.avatar(ada.name)).toBeVisible();
  // Each avatar carries the person's colour, as does their caret.
  const color = await boAvatar.evaluate((el) => getComputedStyle(el).backgroundColor);
  const caret = pageA.locator(`.collaboration-carets__caret[data-user-id]`, { hasText: bo.name });
  await expect(caret).toHaveCount(1);
  expect(await caret.locator('.collaboration-carets__label').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(color);

  // Bo stops: after the idle delay his avatar is dimmed for Ada, and says so.
  await expect(boAvatar).toHaveAttribute('data-idle', 'true', { timeout: 10_000 });
  await expect(boAvatar).toHaveAttribute('aria-label', new RegExp(`${bo.name} \\(idle\\)`));
  // Typing again makes him active (he keeps typing, so a slow machine cannot miss it).
  await Promise.all([expect(boAvatar).toHaveAttribute('data-idle', 'false'), pageB.keyboard.type('!'.repeat(20), { delay: 250 })]);

  // Clicking Bo's avatar brings his caret into view.
  await expect(caret).not.toBeInViewport();
  await boAvatar.click();
  await expect(caret).toBeInViewport();

  // Bo leaves: his avatar goes.
  await pageB.close();
  await expect(a.presence).toHaveAttribute('aria-label', 'Only you are here');
  await closeAll(pageA);
});

test("a collaborator's caret label is painted above the line, also at the top of a paragraph", async ({ browser }, info) => {
  // Blocks are content-visibility: auto (globals.css), which clips what overflows a block unless
  // its clip margin lets it through; a label sits above its caret's line, outside the block.
  const { id, bo, pageA, pageB, a, b } = await sharedDocument(browser, info.testId, 'Caret labels');
  await a.focusEnd();
  await pageA.keyboard.type('First paragraph.');
  await pageA.keyboard.press('Enter');
  await pageA.keyboard.type('Second paragraph.');
  await a.waitSaved();
  await b.open(id);
  await expect.poll(() => b.text()).toBe('First paragraph.\nSecond paragraph.');
  await b.focusStart();
  await pageB.keyboard.press('ArrowDown');
  await pageB.keyboard.press('Home');

  const label = pageA.locator('.collaboration-carets__label', { hasText: bo.name });
  await expect(label).toBeVisible();
  const second = a.editor.locator(':scope > *').nth(1);
  await expect(second.locator('.collaboration-carets__label')).toHaveCount(1);
  // What is painted near the label's top edge (above the paragraph) is the label itself.
  const painted = await label.evaluate((el) => {
    (el as HTMLElement).style.pointerEvents = 'auto';
    const r = el.getBoundingClientRect();
    const top = el.closest('.tiptap > *')!.getBoundingClientRect().top;
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + 2);
    return { aboveBlock: r.top < top, hit: hit === el || el.contains(hit) };
  });
  expect(painted).toEqual({ aboveBlock: true, hit: true });
  await closeAll(pageA, pageB);
});

/** Presses Ctrl+Z until the Undo button says there is nothing left to undo. */
async function undoAll(e: EditorPage): Promise<void> {
  for (let i = 0; i < 50 && (await e.tool('Undo').isEnabled()); i++) await e.page.keyboard.press('ControlOrMeta+Z');
  await expect(e.tool('Undo')).toBeDisabled();
}

interface Node {
  text?: string;
  marks?: { type: string }[];
  content?: Node[];
}

/** The text carrying a mark, in document order. */
function marked(n: Node, mark: string): string {
  if (n.text !== undefined) return n.marks?.some((m) => m.type === mark) ? n.text : '';
  return (n.content ?? []).map((c) => marked(c, mark)).join('');
}

function initialsOf(acct: Account): string {
  const words = acct.name.split(' ');
  return (words[0][0] + words[words.length - 1][0]).toUpperCase();
}

test('a rename shows live in the other person’s editor and in their document list, with who is in it', async ({ browser }, info) => {
  const { id, ada, pageA, pageB, a, b } = await sharedDocument(browser, info.testId, 'Old name');
  await b.open(id);
  // Bo also has his document list open in another tab.
  const listPage = await pageB.context().newPage();
  const list = new ListPage(listPage);
  await list.open();
  await list.waitLive();
  await expect(list.row('Old name')).toBeVisible();
  // Ada and Bo are both in the document right now.
  const present = list.row('Old name').getByTestId('row-presence');
  await expect(present).toHaveAttribute('aria-label', new RegExp(`In this document now: .*${ada.name}`));
  await expect(present.locator('.avatar')).toHaveCount(2);

  await a.title.fill('New name');
  await a.title.press('Enter');
  await expect(b.title).toHaveValue('New name');
  await expect(pageB).toHaveTitle('New name · Tandem');
  await expect(list.row('New name')).toBeVisible();
  await expect(list.row('Old name')).toHaveCount(0);

  // Ada leaves the document: the list shows only Bo.
  await pageA.goto('/');
  await expect(present).toHaveCount(0);
  await expect(list.row('New name').getByTestId('row-presence').locator('.avatar')).toHaveCount(1);
  await closeAll(pageA, pageB);
});

test('presence shows a count when many people are in the document', async ({ browser, playwright, baseURL }, info) => {
  const owner = newAccount('Max', info.testId);
  const page = await signUpInNewContext(browser, owner);
  const id = await EditorPage.create(page, 'Crowded');
  const e = new EditorPage(page);
  await e.waitSaved();
  // Five more people join from outside the browser: real accounts, real y-websocket clients.
  const { Origin: origin } = apiHeaders(baseURL!);
  const collabUrl = `ws://localhost:${process.env.E2E_COLLAB_PORT ?? 3901}`;
  const clients: { destroy(): void }[] = [];
  for (let i = 0; i < 5; i++) {
    const acct = newAccount(`Guest${i}`, info.testId);
    const api = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { Origin: origin } });
    expect((await api.post('/api/auth/signup', { data: acct })).status()).toBe(201);
    await shareThroughApi(page, id, acct.email, 'editor');
    const cookie = (await api.storageState()).cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const nc = nodeClient(collabUrl, id, cookie, origin);
    // As the editor's caret extension does; the server replaces it with the account's identity.
    nc.provider.awareness.setLocalStateField('user', { name: 'anyone' });
    clients.push(nc);
    await api.dispose();
  }
  await expect(e.presence).toHaveAttribute('aria-label', '6 people here');
  await expect(e.presence.locator('.avatar:not(.more)')).toHaveCount(4);
  const more = e.presence.getByTestId('presence-more');
  await expect(more).toHaveText('+2');
  await expect(more).toHaveAttribute('aria-label', /^and 2 more: Guest\d/);
  for (const c of clients) c.destroy();
  await expect(e.presence).toHaveAttribute('aria-label', 'Only you are here');
  await expect(more).toHaveCount(0);
  await page.context().close();
});

/** A y-websocket client in Node with the app's provider, sending a cookie and Origin like a browser. */
function nodeClient(url: string, documentId: string, cookie: string, origin: string) {
  const Socket = class extends WebSocket {
    constructor(u: string, protocols?: string | string[]) {
      super(u, protocols, { headers: { cookie, origin } });
    }
  } as unknown as new (url: string, protocols?: string | string[]) => globalThis.WebSocket;
  return connectDocument({ url, documentId, doc: new Y.Doc(), Socket });
}
