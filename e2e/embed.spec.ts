import { chromium, firefox, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { apiHeaders, expect, newAccount, signUpInNewContext, test } from './fixtures';
import { EditorPage } from './pages/editor';
import { startHostPage, type HostPage } from './support/host-page';

// Two browser contexts each: in Firefox on a slow 2-core machine these took 45-57 s of the
// default 60, so they get three times the usual time (as editor-collab.spec.ts does).
test.beforeEach(() => test.slow());

/**
 * Embedding: a host page on http://127.0.0.1:<port> (another site than the app on
 * http://localhost) embeds a document with the snippet; its backend mints the tokens.
 */

const appOrigin = () => new URL(test.info().project.use.baseURL!).origin;

/** Opens the share dialog's embedding section (it stays open once opened). */
async function openEmbedSettings(dialog: Locator): Promise<void> {
  const details = dialog.locator('details.embed-settings');
  if (!(await details.evaluate((d: HTMLDetailsElement) => d.open))) await dialog.getByText('Embed on other sites').click();
  await expect(dialog.getByRole('button', { name: 'Save embedding' })).toBeVisible();
}

/**
 * An owner with a document, embeddable from `origins` for editors, and an integration key.
 * Through the share dialog when `through` is 'dialog' (the first test), else through the API
 * the dialog calls: its dozen UI actions took 5 s and more per test in Firefox over BiDi.
 */
async function ownerWithEmbeddableDocument(browser: Browser, origins: string[], testId: string, through: 'dialog' | 'api' = 'api') {
  const owner = newAccount('Owner', testId);
  const page = await signUpInNewContext(browser, owner);
  const id = await EditorPage.create(page, 'Embedded plan');
  const editor = new EditorPage(page);
  await editor.waitSaved();
  const key = through === 'dialog' ? await embedThroughDialog(editor, origins) : await embedThroughApi(page, id, origins);
  return { owner, page, editor, id, key };
}

async function embedThroughDialog(editor: EditorPage, origins: string[]): Promise<{ id: string; secret: string }> {
  const dialog = await editor.openShare();
  await openEmbedSettings(dialog);
  // Typed: Playwright's fill() on a textarea in Firefox sets .value directly, which React's
  // controlled textarea does not see as a change (typing and pasting work).
  await dialog.getByLabel('Sites allowed to embed it (exact origins, one per line)').pressSequentially(origins.join('\n'));
  await dialog.getByLabel('Their visitors can').selectOption('editor');
  await dialog.getByRole('button', { name: 'Save embedding' }).click();
  await expect(dialog.getByText('Embedding settings saved.')).toBeVisible();
  await dialog.getByRole('button', { name: 'Create key' }).click();
  const secret = await dialog.getByLabel(/Secret of the new key/).inputValue();
  const [keyId, keySecret] = secret.split(/:(.*)/s);
  await expect(dialog.getByTestId('embed-key')).toHaveCount(1);
  await dialog.getByRole('button', { name: 'Done' }).click();
  return { id: keyId, secret: keySecret };
}

async function embedThroughApi(page: Page, id: string, origins: string[]): Promise<{ id: string; secret: string }> {
  const headers = apiHeaders(appOrigin());
  const settings = await page.request.put(`/api/documents/${id}/embed`, { headers, data: { allowedOrigins: origins, role: 'editor' } });
  expect(settings.status(), await settings.text()).toBe(200);
  const created = await page.request.post(`/api/documents/${id}/embed/keys`, { headers, data: {} });
  expect(created.status(), await created.text()).toBe(201);
  return (await created.json()) as { id: string; secret: string };
}

/** An editor's text without caret labels (as EditorPage.text, for an editor inside a frame). */
const textOf = (editor: Locator) =>
  editor.evaluate((el) => {
    const copy = el.cloneNode(true) as HTMLElement;
    copy.querySelectorAll('.collaboration-carets__caret').forEach((c) => c.remove());
    return Array.from(copy.children, (b) => b.textContent ?? '').join('\n').replace(/\u00a0/g, ' ');
  });
/**
 * A separate browser whose cookie settings are stricter than the default: Chromium through its
 * profile's preferences (third-party cookies blocked, or all cookies blocked), Firefox through
 * `network.cookie.cookieBehavior` (2 = reject all).
 */
async function launchWithCookies(browserName: string, mode: 'block-third-party' | 'block-all'): Promise<BrowserContext> {
  const use = test.info().project.use;
  if (browserName === 'chromium') {
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-cookies-'));
    fs.mkdirSync(path.join(profile, 'Default'), { recursive: true });
    const prefs = { profile: { cookie_controls_mode: 1, default_content_setting_values: { cookies: mode === 'block-all' ? 2 : 1 } } };
    fs.writeFileSync(path.join(profile, 'Default', 'Preferences'), JSON.stringify(prefs));
    return chromium.launchPersistentContext(profile, { ...use.launchOptions, baseURL: appOrigin() });
  }
  const b = await firefox.launch({ ...use.launchOptions, channel: use.channel, firefoxUserPrefs: { 'network.cookie.cookieBehavior': mode === 'block-all' ? 2 : 1 } });
  const context = await b.newContext({ baseURL: appOrigin() });
  context.on('close', () => void b.close());
  return context;
}

/**
 * Types into an editor inside the cross-site frame. Key events do not reach an out-of-process
 * frame in Firefox under Playwright (WebDriver BiDi), so the text goes in as text input
 * (`beforeinput`/`input` with insertText, as an input method would), which the editor handles
 * like typing, in both browsers.
 */
async function typeInFrame(editor: Locator, text: string): Promise<void> {
  // focus(), not click(): Firefox does not move focus into the frame on a synthetic click either.
  await editor.focus();
  await editor.page().keyboard.insertText(text);
}

const frameOf = (page: Page) => page.frameLocator('iframe[title="Tandem document"]');
const events = (page: Page) => page.evaluate(() => (window as unknown as { events: { name: string; detail: Record<string, unknown> }[] }).events);

test.describe('embedding a document in another site', () => {
  let host: HostPage;
  let other: HostPage;
  test.beforeEach(async () => {
    host = await startHostPage('127.0.0.1', appOrigin());
    other = await startHostPage('127.0.0.2', appOrigin());
  });
  test.afterEach(async () => {
    await host.close();
    await other.close();
  });

  test('an embedded visitor and a signed-in user edit together, each seeing the other’s named caret', async ({ browser }, info) => {
    const { owner, page, editor, id, key } = await ownerWithEmbeddableDocument(browser, [host.origin], info.testId, 'dialog');
    host.keys.set(id, key);
    const visitor = await (await browser.newContext()).newPage();
    await visitor.goto(host.url({ doc: id, name: 'Vera Visitor' }));
    const frame = frameOf(visitor);
    const embedded = frame.getByTestId('editor');
    await expect(frame.getByTestId('save-status')).toHaveAttribute('data-state', 'saved', { timeout: 15_000 });
    await expect(frame.getByTestId('embed-name')).toHaveText('Vera Visitor');
    await expect.poll(async () => (await events(visitor)).map((e) => e.name)).toContain('ready');
    // The frame sized itself to its content.
    expect((await visitor.locator('iframe').boundingBox())!.height).toBeGreaterThan(150);

    await typeInFrame(embedded, 'Typed in the embed. ');
    await editor.focusEnd();
    await page.keyboard.type('Typed in the app.');
    const want = /Typed in the embed\. ?Typed in the app\.|Typed in the app\.Typed in the embed\. /;
    await expect.poll(() => editor.text()).toMatch(want);
    await expect.poll(() => textOf(embedded)).toMatch(want);
    expect(await textOf(embedded)).toBe(await editor.text());
    await expect(editor.caretLabel('Vera Visitor')).toBeVisible();
    await expect(frame.locator('.collaboration-carets__label', { hasText: owner.name })).toBeVisible();
    await editor.waitSaved();
    await expect(frame.getByTestId('save-status')).toHaveAttribute('data-state', 'saved');
    await expect.poll(async () => (await events(visitor)).map((e) => e.name)).toContain('saved');
    // With third-party cookies allowed, the partitioned session cookie carries the socket.
    await expect(frame.getByTestId('embed-editor')).toHaveAttribute('data-auth', 'cookie');
    await visitor.context().close();
    await page.context().close();
  });

  test('a signed-in Tandem user in the embed can appear under their own account', async ({ browser, browserName }, info) => {
    const { owner, page, editor, id, key } = await ownerWithEmbeddableDocument(browser, [host.origin], info.testId);
    host.keys.set(id, key);
    // The owner visits the host site in the browser where they are signed in to Tandem.
    const visit = await page.context().newPage();
    await visit.goto(host.url({ doc: id, name: 'Anonymous Reader' }));
    const frame = frameOf(visit);
    await expect(frame.getByTestId('embed-name')).toHaveText('Anonymous Reader');
    await expect(frame.getByTestId('save-status')).toHaveAttribute('data-state', 'saved', { timeout: 15_000 });
    const popupOpened = page.context().waitForEvent('page');
    const useAccount = frame.getByRole('button', { name: 'Use my Tandem account' });
    // Pointer events do not reach an out-of-process frame in Firefox under Playwright (see typeInFrame).
    if (browserName === 'firefox') await useAccount.evaluate((b: HTMLElement) => b.click());
    else await useAccount.click();
    const popup = await popupOpened;
    await popup.getByRole('button', { name: `Continue as ${owner.name}` }).click();
    await expect(frame.getByTestId('embed-name')).toHaveText(owner.name);
    await expect(frame.getByTestId('save-status')).toHaveAttribute('data-state', 'saved', { timeout: 15_000 });
    await typeInFrame(frame.getByTestId('editor'), 'Signed in from the embed.');
    await expect.poll(() => editor.text()).toContain('Signed in from the embed.');
    await page.context().close();
  });

  test('a site that is not allowed cannot frame the document, and its tokens are refused', async ({ browser }, info) => {
    const { page, id, key } = await ownerWithEmbeddableDocument(browser, [host.origin], info.testId);
    host.keys.set(id, key);
    other.keys.set(id, key);
    const visitor = await (await browser.newContext()).newPage();
    // The browser refuses to render the frame (frame-ancestors), so it never asks for a token.
    const framed = await visitor.request.get(`/embed/${id}`);
    expect(framed.headers()['content-security-policy']).toBe(`frame-ancestors ${host.origin}`);
    expect(framed.headers()['x-frame-options']).toBeUndefined();
    expect((await visitor.request.get(`/d/${id}`, { maxRedirects: 0 })).headers()['content-security-policy']).toBe("frame-ancestors 'none'");
    await visitor.goto(other.url({ doc: id }));
    await visitor.waitForTimeout(2500);
    expect(await visitor.evaluate(() => (window as unknown as { tokenRequests: number }).tokenRequests)).toBe(0);
    expect(other.minted()).toBe(0);
    await expect(frameOf(visitor).getByTestId('embed-status')).toHaveCount(0);

    // Its tokens do not work from the allowed site's frame either...
    await visitor.goto(host.url({ doc: id, tokenOrigin: other.origin }));
    await expect(frameOf(visitor).getByTestId('embed-error')).toHaveAttribute('data-reason', 'wrong_origin');
    await expect(frameOf(visitor).getByTestId('embed-error')).toContainText('made for another site');
    await expect.poll(async () => (await events(visitor)).map((e) => [e.name, e.detail.reason])).toContainEqual(['error', 'wrong_origin']);
    // ...nor when presented as coming from that site.
    const token = await (await visitor.request.get(`${other.origin}/token?doc=${id}`)).text();
    const r = await visitor.request.post('/api/embed/sessions', { headers: { origin: appOrigin() }, data: { document: id, token, origin: other.origin } });
    expect(r.status()).toBe(401);
    expect((await r.json()).error).toMatchObject({ code: 'invalid_token', reason: 'origin_not_allowed' });
    await visitor.context().close();
    await page.context().close();
  });

  test('a replayed token is refused with a clear message; revoking the key closes the embed', async ({ browser }, info) => {
    const owner = await ownerWithEmbeddableDocument(browser, [host.origin], info.testId);
    const { page, id, key } = owner;
    host.keys.set(id, key);
    const first = await (await browser.newContext()).newPage();
    await first.goto(host.url({ doc: id, fixed: 'same' }));
    await expect(frameOf(first).getByTestId('save-status')).toHaveAttribute('data-state', 'saved', { timeout: 15_000 });
    const second = await (await browser.newContext()).newPage();
    await second.goto(host.url({ doc: id, fixed: 'same' }));
    await expect(frameOf(second).getByTestId('embed-error')).toHaveAttribute('data-reason', 'replayed');
    await expect(frameOf(second).getByTestId('embed-error')).toContainText('already used');
    expect(host.minted()).toBe(1);

    // The owner revokes the key in the share dialog: the open embed is closed at once, and says why.
    const { editor } = owner;
    const dialog = await editor.openShare();
    await openEmbedSettings(dialog);
    await dialog.getByRole('button', { name: /^Revoke key/ }).click();
    await expect(dialog.getByText(/Key revoked/)).toBeVisible();
    await expect(frameOf(first).getByTestId('embed-error')).toContainText('integration key revoked');
    await expect.poll(async () => (await events(first)).map((e) => [e.name, e.detail.reason])).toContainEqual(['error', 'closed']);
    await first.context().close();
    await second.context().close();
    await page.context().close();
  });

  test('works when the browser refuses the session cookie: the socket uses one-time tickets', async ({ browser, browserName }, info) => {
    const { page, editor, id, key } = await ownerWithEmbeddableDocument(browser, [host.origin], info.testId);
    host.keys.set(id, key);
    // A browser set to refuse every cookie, so the exchange's Set-Cookie never lands.
    const strict = await launchWithCookies(browserName, 'block-all');
    try {
      const visitor = await strict.newPage();
      await visitor.goto(host.url({ doc: id, name: 'Tia Ticket' }));
      const frame = frameOf(visitor);
      await expect(frame.getByTestId('save-status')).toHaveAttribute('data-state', 'saved', { timeout: 20_000 });
      await expect(frame.getByTestId('embed-editor')).toHaveAttribute('data-auth', 'ticket');
      await typeInFrame(frame.getByTestId('editor'), 'Saved through a ticket.');
      await expect.poll(() => editor.text()).toContain('Saved through a ticket.');
      await expect(editor.caretLabel('Tia Ticket')).toBeVisible();
    } finally {
      await strict.close();
      await page.context().close();
    }
  });
});

// A Chromium profile setting: the Firefox project leaves @chromium-only out (playwright.config.ts).
test.describe('Chromium with third-party cookies blocked', { tag: '@chromium-only' }, () => {

  test('the embed still works, on its partitioned session cookie', async ({ browser }, info) => {
    const host = await startHostPage('127.0.0.1', appOrigin());
    const { page, editor, id, key } = await ownerWithEmbeddableDocument(browser, [host.origin], info.testId);
    host.keys.set(id, key);
    // A separate Chromium whose profile blocks third-party cookies (Settings → Third-party cookies → Block).
    const blocked = await launchWithCookies('chromium', 'block-third-party');
    try {
      const visitor = await blocked.newPage();
      await visitor.goto(host.url({ doc: id, name: 'Bea Blocked' }));
      const frame = frameOf(visitor);
      await expect(frame.getByTestId('save-status')).toHaveAttribute('data-state', 'saved', { timeout: 15_000 });
      // The block is in force: the frame has no unpartitioned cookie access.
      expect(await visitor.frames()[1].evaluate(() => document.hasStorageAccess())).toBe(false);
      await typeInFrame(frame.getByTestId('editor'), 'Third-party cookies blocked.');
      await expect.poll(() => editor.text()).toContain('Third-party cookies blocked.');
      await expect(editor.caretLabel('Bea Blocked')).toBeVisible();
      // CHIPS: the partitioned session cookie is kept even though third-party cookies are blocked.
      await expect(frame.getByTestId('embed-editor')).toHaveAttribute('data-auth', 'cookie');
    } finally {
      await blocked.close();
      await page.context().close();
      await host.close();
    }
  });
});
