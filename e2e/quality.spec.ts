import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContextOptions, LaunchOptions, Page, PlaywrightWorkerArgs } from '@playwright/test';
import { B4_TRACE, readTrace } from '../server/test/traces';
import { EditorPage } from './pages/editor';
import { ListPage } from './pages/list';
import { expect, newAccount, signUpInNewContext, test } from './fixtures';

/** Serious and critical accessibility violations on the page as it is now. */
async function seriousViolations(page: Page, include?: string): Promise<string[]> {
  // Legacy mode runs axe in the page itself. The default opens a blank page per run to merge
  // frame results (these views have no frames), 3-4 s per test in Firefox over BiDi.
  let builder = new AxeBuilder({ page }).setLegacyMode(true);
  if (include) builder = builder.include(include);
  const { violations } = await builder.analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/**
 * A browser whose system prefers `scheme`. Chromium emulates it per context; Firefox driven over
 * WebDriver BiDi cannot, so a dark Firefox is launched with the preference a dark desktop sets.
 */
async function systemIn(
  scheme: 'light' | 'dark',
  f: { browser: Browser; browserName: string; playwright: PlaywrightWorkerArgs['playwright']; launchOptions: LaunchOptions; channel?: string },
): Promise<{ browser: Browser; options: BrowserContextOptions; close(): Promise<void> }> {
  if (scheme === 'light' || f.browserName !== 'firefox') return { browser: f.browser, options: { colorScheme: scheme }, close: async () => {} };
  const dark = await f.playwright.firefox.launch({
    ...f.launchOptions,
    channel: f.channel,
    firefoxUserPrefs: { 'ui.systemUsesDarkTheme': 1, 'layout.css.prefers-color-scheme.content-override': 0 },
  });
  return { browser: dark, options: {}, close: () => dark.close() };
}

async function richDocument(page: Page, e: EditorPage): Promise<void> {
  await e.focusEnd();
  await e.paste({
    'text/html':
      '<h1>Plan</h1><p>Some <strong>bold</strong>, <em>soft</em> and <a href="https://example.com/">linked</a> words.</p>' +
      '<ul><li>one</li></ul><ul data-type="taskList"><li data-type="taskItem" data-checked="false"><p>todo</p></li></ul>' +
      '<blockquote><p>quote</p></blockquote><pre><code>code</code></pre><table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>',
  });
  await expect(e.editor.locator('table')).toBeVisible();
  await e.waitSaved();
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`no serious or critical accessibility violations on the list, editor and share dialog (${colorScheme})`, async ({ browser, browserName, playwright, launchOptions, channel }, info) => {
    test.slow(); // axe over three views, and in Firefox a second browser
    const system = await systemIn(colorScheme, { browser, browserName, playwright, launchOptions, channel });
    const page = await signUpInNewContext(system.browser, newAccount('Axe', info.testId), system.options);
    expect(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)).toBe(colorScheme === 'dark');
    const id = await EditorPage.create(page, 'Accessible');
    const e = new EditorPage(page);
    await e.waitSaved();
    await richDocument(page, e);
    await e.editor.locator('td').first().click(); // table tools showing too
    await expect(e.tool('Add row below')).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
    await e.openShare();
    expect(await seriousViolations(page, '.share-dialog')).toEqual([]);
    await page.keyboard.press('Escape');
    await e.editor.locator('p').first().click();
    await page.keyboard.press('ControlOrMeta+K');
    await expect(page.getByRole('dialog', { name: /link/ })).toBeVisible();
    expect(await seriousViolations(page, 'dialog[open]')).toEqual([]);
    await page.keyboard.press('Escape');
    // Version history with a version shown and its differences highlighted, and the Download menu.
    await page.getByRole('button', { name: 'History' }).click();
    await page.getByLabel('Name this version').fill('Checked');
    await page.getByRole('button', { name: 'Save version' }).click();
    await e.focusEnd();
    await page.keyboard.type(' later');
    await e.waitSaved();
    await page.getByRole('button', { name: /Checked/ }).click();
    await expect(page.getByTestId('version-text').locator('del.diff-removed')).toHaveText([' later']);
    await page.getByText('Download', { exact: true }).click();
    expect(await seriousViolations(page)).toEqual([]);

    const list = new ListPage(page);
    await list.open();
    await expect(list.row('Accessible')).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Import…' }).click();
    expect(await seriousViolations(page, 'dialog[open]')).toEqual([]);
    expect(id).toBeTruthy();
    await page.context().close();
    await system.close();
  });
}

test('dark mode follows the system', async ({ browser, browserName, playwright, launchOptions, channel }, info) => {
  const luminance = (rgb: string) => {
    const [r, g, b] = rgb.match(/\d+/g)!.map(Number);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const bg = (p: Page) => p.evaluate(() => getComputedStyle(document.body).backgroundColor);
  test.slow(); // in Firefox, a second browser
  const dark = await systemIn('dark', { browser, browserName, playwright, launchOptions, channel });
  const page = await signUpInNewContext(dark.browser, newAccount('Dan', info.testId), dark.options);
  expect(luminance(await bg(page))).toBeLessThan(60);
  await EditorPage.create(page, 'Night');
  const e = new EditorPage(page);
  await e.waitSaved();
  const surface = await page.locator('.editor-surface').evaluate((el) => getComputedStyle(el).backgroundColor);
  const text = await e.editor.evaluate((el) => getComputedStyle(el).color);
  expect(luminance(surface)).toBeLessThan(60);
  expect(luminance(text)).toBeGreaterThan(180);
  await page.context().close();
  await dark.close();
  // A light system gets the light theme.
  const light = await systemIn('light', { browser, browserName, playwright, launchOptions, channel });
  const lightPage = await (await light.browser.newContext(light.options)).newPage();
  await lightPage.goto('/login');
  expect(luminance(await bg(lightPage))).toBeGreaterThan(200);
  await lightPage.context().close();
});

test('usable at 375 px wide: nothing scrolls sideways, the toolbar and dialogs fit', async ({ browser }, info) => {
  const page = await signUpInNewContext(browser, newAccount('Pho', info.testId), { viewport: { width: 375, height: 740 } });
  const noSideways = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  expect(await noSideways()).toBe(true);
  await EditorPage.create(page, 'A rather long title for a small phone screen');
  const e = new EditorPage(page);
  await e.waitSaved();
  await richDocument(page, e);
  await expect(e.toolbar).toBeInViewport();
  await expect(e.tool('Insert table')).toBeInViewport();
  expect(await noSideways()).toBe(true);
  await e.typeAndSelect('Tap to format');
  await e.tool('Bold').tap().catch(() => e.tool('Bold').click());
  await expect(e.editor.locator('strong')).toHaveText('Tap to format');
  const dialog = await e.openShare();
  const box = await dialog.boundingBox();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(375);
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'History' }).click();
  await expect(page.getByRole('complementary', { name: 'Version history' })).toBeVisible();
  expect(await noSideways()).toBe(true);
  const list = new ListPage(page);
  await list.open();
  await expect(list.rows.first()).toBeVisible();
  expect(await noSideways()).toBe(true);
  await page.context().close();
});

test('a 104,852-character document stays responsive: typing does not re-render React', async ({ browser }, info) => {
  test.setTimeout(120_000);
  const text = readTrace(B4_TRACE).endContent;
  expect(text.length).toBe(104_852);
  const page = await signUpInNewContext(browser, newAccount('Big', info.testId));
  const id = await EditorPage.create(page, 'B4 paper');
  const e = new EditorPage(page);
  await e.waitSaved();
  await e.editor.click();
  // Set up through the editor itself, one paragraph per line, so the text lands exactly as written.
  const paragraphs = text.split('\n').map((l) => (l ? { type: 'paragraph', content: [{ type: 'text', text: l }] } : { type: 'paragraph' }));
  await e.editor.evaluate((el, content) => (el as unknown as { editor: { commands: { setContent(c: unknown): void } } }).editor.commands.setContent({ type: 'doc', content }), paragraphs);
  await e.waitSaved();

  // Count renders from a fresh load of the stored document.
  await page.addInitScript(() => {
    window.__TANDEM_COUNT_RENDERS__ = {};
  });
  await e.open(id);
  const loaded = await e.editor.evaluate((el) => {
    const doc = (el as unknown as { editor: { state: { doc: { textBetween(f: number, t: number, s: string): string; content: { size: number } } } } }).editor.state.doc;
    return doc.textBetween(0, doc.content.size, '\n');
  });
  expect(loaded.trimEnd()).toBe(text.trimEnd());
  await e.focusEnd();
  await page.keyboard.type('x');
  await e.waitSaved();
  const before = await page.evaluate(() => ({ ...window.__TANDEM_COUNT_RENDERS__ }));
  const started = Date.now();
  await page.keyboard.type(' typing at the end of a long paper', { delay: 10 });
  await e.waitSaved();
  const elapsed = Date.now() - started;
  const after = await page.evaluate(() => ({ ...window.__TANDEM_COUNT_RENDERS__ }));
  const grew = (k: string) => (after[k] ?? 0) - (before[k] ?? 0);
  // 34 keystrokes; the page and editor components do not render at all, the toolbar not per key.
  expect(before.editor).toBeGreaterThan(0);
  expect(grew('page')).toBe(0);
  expect(grew('editor')).toBe(0);
  expect(grew('toolbar')).toBeLessThanOrEqual(2);
  expect(await e.text()).toContain('typing at the end of a long paper');
  console.log(`B4: typed 34 characters in ${elapsed} ms; renders during typing: ${JSON.stringify(Object.fromEntries(Object.keys(after).map((k) => [k, grew(k)])))}`);
  await page.context().close();
});
