import type { Page } from '@playwright/test';
import { EditorPage } from './pages/editor';
import { expect, newAccount, signUpInNewContext, test } from './fixtures';

async function freshDocument(browser: import('@playwright/test').Browser, label: string, testId: string): Promise<{ page: Page; e: EditorPage }> {
  const page = await signUpInNewContext(browser, newAccount(label, testId));
  await EditorPage.create(page, `${label}'s notes`);
  const e = new EditorPage(page);
  await e.waitSaved();
  return { page, e };
}

test('marks from the toolbar and from shortcuts, with active states and shortcut tooltips', async ({ browser }, info) => {
  const { page, e } = await freshDocument(browser, 'Fay', info.testId);
  await expect(e.tool('Bold')).toHaveAttribute('title', /^Bold \((Ctrl\+B|⌘B)\)$/);
  await expect(e.tool('Bold')).toHaveAttribute('aria-keyshortcuts', /^(Control|Meta)\+B$/);

  await e.typeAndSelect('format me');
  await expect(e.tool('Bold')).toHaveAttribute('aria-pressed', 'false');
  await e.tool('Bold').click();
  await expect(e.editor.locator('strong')).toHaveText('format me');
  await expect(e.tool('Bold')).toHaveAttribute('aria-pressed', 'true');
  await e.tool('Underline').click();
  await expect(e.editor.locator('u')).toHaveText('format me');

  for (const [keys, tag, name] of [
    ['ControlOrMeta+I', 'em', 'Italic'],
    ['ControlOrMeta+Shift+S', 's', 'Strikethrough'],
    ['ControlOrMeta+E', 'code', 'Inline code'],
  ] as const) {
    await page.keyboard.press(keys);
    await expect(e.editor.locator(tag)).toHaveText('format me');
    await expect(e.tool(name)).toHaveAttribute('aria-pressed', 'true');
  }
  // Shortcuts toggle off as well.
  await page.keyboard.press('ControlOrMeta+B');
  await expect(e.editor.locator('strong')).toHaveCount(0);
  await expect(e.tool('Bold')).toHaveAttribute('aria-pressed', 'false');

  // Blocks: headings, lists, quote, code block, rule, from the toolbar and shortcuts.
  await e.typeAndSelect('a block');
  await e.tool('Heading 2').click();
  await expect(e.editor.locator('h2')).toHaveText('a block');
  // Put the caret in the heading (select-all also covers the empty paragraph kept at the end).
  await e.editor.locator('h2').click();
  await expect(e.tool('Heading 2')).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('ControlOrMeta+Alt+1');
  await expect(e.editor.locator('h1')).toHaveText('a block');
  await e.tool('Heading 1').click();
  await expect(e.editor.locator('h1')).toHaveCount(0);
  await e.tool('Bulleted list').click();
  await expect(e.editor.locator('ul > li')).toHaveText('a block');
  await e.tool('Numbered list').click();
  await expect(e.editor.locator('ol > li')).toHaveText('a block');
  await e.tool('Task list').click();
  await expect(e.editor.locator('ul[data-type="taskList"] li > div')).toHaveText('a block');
  await e.tool('Task list').click();
  await e.tool('Quote').click();
  await expect(e.editor.locator('blockquote')).toHaveText('a block');
  await e.tool('Quote').click();
  await page.keyboard.press('ControlOrMeta+Alt+C');
  await expect(e.editor.locator('pre code')).toHaveText('a block');
  await e.tool('Code block').click();
  await page.keyboard.press('End');
  await e.tool('Horizontal line').click();
  await expect(e.editor.locator('hr')).toHaveCount(1);
  await e.waitSaved();
  await page.context().close();
});

test('the toolbar works from the keyboard alone (one tab stop, arrows, Home/End)', async ({ browser }, info) => {
  const { page, e } = await freshDocument(browser, 'Kai', info.testId);
  await e.typeAndSelect('keys only');
  // Shift+Tab from the editor lands on the toolbar's single tab stop.
  await e.editor.focus();
  await page.keyboard.press('ControlOrMeta+A');
  await e.tool('Bold').focus();
  await expect(e.tool('Bold')).toBeFocused();
  await expect(e.toolbar.locator('button[tabindex="0"]')).toHaveCount(1);
  await page.keyboard.press('ArrowRight');
  await expect(e.tool('Italic')).toBeFocused();
  await expect(e.tool('Italic')).toHaveAttribute('tabindex', '0');
  await expect(e.tool('Bold')).toHaveAttribute('tabindex', '-1');
  await page.keyboard.press('Enter');
  await expect(e.editor.locator('em')).toHaveText('keys only');
  await e.tool('Italic').focus();
  await page.keyboard.press('End');
  await expect(e.tool('Insert table')).toBeFocused();
  await page.keyboard.press('ArrowRight');
  // Wraps around to the first enabled button (Undo is enabled now).
  await expect(e.tool('Undo')).toBeFocused();
  await page.keyboard.press('Home');
  await expect(e.tool('Undo')).toBeFocused();
  // Tab leaves the toolbar in one step.
  await page.keyboard.press('Tab');
  await expect(e.toolbar.locator(':focus')).toHaveCount(0);
  await page.context().close();
});

test('Markdown input rules', async ({ browser }, info) => {
  const { page, e } = await freshDocument(browser, 'Mo', info.testId);
  await e.editor.click();
  const k = page.keyboard;
  await k.type('# Title');
  await k.press('Enter');
  await k.type('- bullet');
  await k.press('Enter');
  await k.press('Enter');
  await k.type('1. first');
  await k.press('Enter');
  await k.press('Enter');
  await k.type('[ ] todo');
  await k.press('Enter');
  await k.press('Enter');
  await k.type('> quoted');
  await k.press('Enter');
  await k.press('Enter');
  await k.type('```');
  await k.press('Enter');
  await k.type('code here');
  await expect(e.editor.locator('h1')).toHaveText('Title');
  await expect(e.editor.locator('ul:not([data-type]) > li')).toHaveText('bullet');
  await expect(e.editor.locator('ol > li')).toHaveText('first');
  await expect(e.editor.locator('ul[data-type="taskList"] > li > div')).toHaveText('todo');
  await expect(e.editor.locator('blockquote')).toHaveText('quoted');
  await expect(e.editor.locator('pre code')).toHaveText('code here');
  await e.waitSaved();
  await page.context().close();
});

test('links: add, edit, open, remove; unsafe addresses are refused', async ({ browser }, info) => {
  const { page, e } = await freshDocument(browser, 'Lin', info.testId);
  await e.typeAndSelect('Tandem site');
  await page.keyboard.press('ControlOrMeta+K');
  const dialog = page.getByRole('dialog', { name: 'Add link' });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('Link address').fill('javascript:alert(1)');
  await dialog.getByRole('button', { name: 'Apply' }).click();
  await expect(dialog.getByRole('alert')).toContainText('Enter a web address');
  await dialog.getByLabel('Link address').fill('example.com/tandem');
  await dialog.getByRole('button', { name: 'Apply' }).click();
  await expect(dialog).toBeHidden();
  await expect(e.editor.locator('a')).toHaveAttribute('href', 'https://example.com/tandem');
  await expect(e.editor.locator('a')).toHaveText('Tandem site');
  await expect(e.editor).toBeFocused();

  // Edit: the caret inside the link is enough.
  await e.editor.locator('a').click();
  await expect(e.tool('Link')).toHaveAttribute('aria-pressed', 'true');
  await e.tool('Link').click();
  const edit = page.getByRole('dialog', { name: 'Edit link' });
  await expect(edit.getByLabel('Link address')).toHaveValue('https://example.com/tandem');
  await expect(edit.getByRole('link', { name: 'Open link' })).toHaveAttribute('href', 'https://example.com/tandem');
  await expect(edit.getByRole('link', { name: 'Open link' })).toHaveAttribute('target', '_blank');
  await edit.getByLabel('Link address').fill('https://example.org/');
  await edit.getByRole('button', { name: 'Apply' }).click();
  await expect(e.editor.locator('a')).toHaveAttribute('href', 'https://example.org/');

  // Escape closes without changes; Remove unlinks and keeps the text.
  await e.editor.locator('a').click();
  await page.keyboard.press('ControlOrMeta+K');
  await expect(edit).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(edit).toBeHidden();
  await expect(e.editor.locator('a')).toHaveCount(1);
  await e.editor.locator('a').click();
  await page.keyboard.press('ControlOrMeta+K');
  await edit.getByRole('button', { name: 'Remove link' }).click();
  await expect(e.editor.locator('a')).toHaveCount(0);
  await expect.poll(() => e.text()).toBe('Tandem site');

  // With nothing selected, the link's text is asked for.
  await e.focusEnd();
  await page.keyboard.press('ControlOrMeta+K');
  await dialog.getByLabel('Link address').fill('ada@example.com');
  await dialog.getByLabel('Text to show').fill('mail Ada');
  await page.keyboard.press('Enter');
  await expect(e.editor.locator('a')).toHaveAttribute('href', 'mailto:ada@example.com');
  await expect(e.editor.locator('a')).toHaveText('mail Ada');
  await e.waitSaved();
  await page.context().close();
});

test('typed and pasted addresses become links; a pasted address links the selection', async ({ browser }, info) => {
  const { page, e } = await freshDocument(browser, 'Aut', info.testId);
  await e.focusEnd();
  // Autolinking loads its URL finder on first focus; typing a word takes longer than that.
  await page.keyboard.type('See example.com/docs and 10.0.0.1 or javascript:alert(1) then ');
  const docs = e.editor.locator('a', { hasText: 'example.com/docs' });
  await expect(docs).toHaveAttribute('href', 'https://example.com/docs');
  await expect(e.editor.locator('a')).toHaveCount(1);

  await e.paste({ 'text/plain': 'read https://tandem.example/x now' });
  await expect(e.editor.locator('a', { hasText: 'https://tandem.example/x' })).toHaveAttribute('href', 'https://tandem.example/x');

  await e.typeAndSelect('our site');
  await e.paste({ 'text/plain': 'https://example.org/' });
  await expect(e.editor.locator('a')).toHaveText('our site');
  await expect(e.editor.locator('a')).toHaveAttribute('href', 'https://example.org/');
  await expect.poll(() => e.text()).toBe('our site');
  await e.waitSaved();
  await page.context().close();
});

test('tables: insert, add and remove rows and columns, delete', async ({ browser }, info) => {
  const { page, e } = await freshDocument(browser, 'Tab', info.testId);
  await e.editor.click();
  await expect(e.tool('Add row below')).toHaveCount(0);
  await e.tool('Insert table').click();
  const table = e.editor.locator('table');
  await expect(table.locator('tr')).toHaveCount(3);
  await expect(table.locator('tr').first().locator('th')).toHaveCount(3);
  await page.keyboard.type('Name');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Role');
  await e.tool('Add row below').click();
  await expect(table.locator('tr')).toHaveCount(4);
  await e.tool('Add column right').click();
  await expect(table.locator('tr').first().locator('th')).toHaveCount(4);
  await e.tool('Delete column').click();
  await expect(table.locator('tr').first().locator('th')).toHaveCount(3);
  await table.locator('tr').nth(2).locator('td').first().click();
  await e.tool('Delete row').click();
  await expect(table.locator('tr')).toHaveCount(3);
  await expect(table.locator('th').first()).toHaveText('Name');
  await e.waitSaved();
  await page.reload();
  await e.waitSaved();
  await expect(e.editor.locator('table tr')).toHaveCount(3);
  await e.editor.locator('th').first().click();
  await e.tool('Delete table').click();
  await expect(e.editor.locator('table')).toHaveCount(0);
  await page.context().close();
});

test('images by URL, with a description; other addresses are refused', async ({ browser }, info) => {
  const { page, e } = await freshDocument(browser, 'Ima', info.testId);
  await e.editor.click();
  await e.tool('Image').click();
  const dialog = page.getByRole('dialog', { name: 'Insert image' });
  await dialog.getByLabel('Image address').fill('data:image/png;base64,AAAA');
  await dialog.getByRole('button', { name: 'Insert' }).click();
  await expect(dialog.getByRole('alert')).toBeVisible();
  await dialog.getByLabel('Image address').fill('https://example.com/cat.png');
  await dialog.getByLabel('Description (for screen readers)').fill('A cat');
  await dialog.getByRole('button', { name: 'Insert' }).click();
  await expect(dialog).toBeHidden();
  const img = e.editor.locator('img');
  await expect(img).toHaveAttribute('src', 'https://example.com/cat.png');
  await expect(img).toHaveAttribute('alt', 'A cat');
  await e.waitSaved();
  await page.context().close();
});

test('pasted HTML is sanitised; pasted Markdown becomes formatting', async ({ browser }, info) => {
  const { page, e } = await freshDocument(browser, 'Pat', info.testId);
  await e.editor.click();
  await e.paste({
    'text/html':
      '<p style="color:red" onclick="alert(1)">Hello <b>bold</b> <a href="javascript:alert(1)">bad link</a> <a href="https://example.com/">good link</a></p>' +
      '<script>window.__pwned = true</script><img src="x" onerror="window.__pwned = true"><img src="javascript:alert(1)">' +
      '<iframe src="https://example.com"></iframe><h2>Sub</h2>',
    'text/plain': 'Hello bold bad link good link',
  });
  await expect(e.editor.locator('strong')).toHaveText('bold');
  await expect(e.editor.locator('h2')).toHaveText('Sub');
  await expect(e.editor.locator('a')).toHaveCount(1);
  await expect(e.editor.locator('a')).toHaveAttribute('href', 'https://example.com/');
  await expect(e.editor.getByText('bad link')).toBeVisible();
  for (const sel of ['script', 'iframe', 'img', '[onclick]', '[onerror]', '[style*="color"]']) await expect(e.editor.locator(sel)).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: boolean }).__pwned)).toBeUndefined();

  await e.focusEnd();
  await page.keyboard.press('Enter');
  await e.paste({ 'text/plain': '## From Markdown\n\n- one\n- two\n\nSome **strong** and *soft* text with [a link](https://example.net) and [bad](javascript:alert(1)).' });
  await expect(e.editor.locator('h2', { hasText: 'From Markdown' })).toBeVisible();
  await expect(e.editor.locator('ul > li')).toHaveText(['one', 'two']);
  await expect(e.editor.locator('strong', { hasText: 'strong' })).toBeVisible();
  await expect(e.editor.locator('em', { hasText: 'soft' })).toBeVisible();
  await expect(e.editor.locator('a[href="https://example.net/"]')).toHaveText('a link');
  await expect(e.editor.locator('a[href^="javascript"]')).toHaveCount(0);
  await e.waitSaved();
  await page.context().close();
});
