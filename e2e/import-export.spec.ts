import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Download, Page } from '@playwright/test';
import { EditorPage } from './pages/editor';
import { expect, newAccount, signUpInNewContext, test } from './fixtures';

const corpus = (name: string) => readFileSync(join(import.meta.dirname, '../test/corpus', name), 'utf8');

async function downloadText(page: Page, label: string): Promise<{ name: string; text: string }> {
  await page.getByText('Download', { exact: true }).click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: label }).click()]);
  return { name: (download as Download).suggestedFilename(), text: readFileSync(await (download as Download).path(), 'utf8') };
}

test('a Markdown file is imported into a new document and downloads back as Markdown, HTML and text', async ({ browser }, info) => {
  const page = await signUpInNewContext(browser, newAccount('Ida', info.testId));
  const markdown = corpus('lists.md') + '\n' + corpus('tables.md');
  await page.getByRole('button', { name: 'Import…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import a document' });
  await dialog.getByLabel('Markdown or HTML file').setInputFiles({ name: 'Project plan.md', mimeType: 'text/markdown', buffer: Buffer.from(markdown) });
  await expect(dialog.getByLabel('Title')).toHaveValue('Project plan');
  await expect(dialog.getByLabel('Markdown', { exact: true })).toBeChecked();
  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  await page.waitForURL(/\/d\/[A-Za-z0-9_-]+$/);

  const e = new EditorPage(page);
  await e.waitSaved();
  await expect(e.title).toHaveValue('Project plan');
  await expect(e.editor.locator('ul[data-type="taskList"] li[data-checked="true"]')).toHaveCount(1);
  await expect(e.editor.locator('ol[start="5"]')).toHaveCount(1);
  await expect(e.editor.locator('table')).toHaveCount(2);
  await expect(e.editor.locator('td', { hasText: 'a | b' })).toHaveCount(1);

  const md = await downloadText(page, 'Markdown (.md)');
  expect(md.name).toBe('Project plan.md');
  // What the server stores and what the download holds are the same canonical Markdown.
  expect(md.text).toBe(await (await page.request.get(`${page.url().replace('/d/', '/api/documents/')}/content?format=markdown`)).text());
  expect(md.text).toContain('- [x] A finished task\n  - [ ] A nested task');
  expect(md.text).toMatch(/\| Pipe +\| Viewer +\| a \\\| b +\|/);

  const html = await downloadText(page, 'Web page (.html)');
  expect(html.name).toBe('Project plan.html');
  expect(html.text).toMatch(/^<!doctype html>/);
  expect(html.text).toContain('<title>Project plan</title>');
  expect(html.text).toContain('<ol start="5">');

  const text = await downloadText(page, 'Plain text (.txt)');
  expect(text.name).toBe('Project plan.txt');
  expect(text.text).toContain('A finished task');
  await page.context().close();
});

test('pasted HTML is imported; a file that is not text is refused with a clear message', async ({ browser }, info) => {
  const page = await signUpInNewContext(browser, newAccount('Hal', info.testId));
  await page.getByRole('button', { name: 'Import…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import a document' });

  await dialog.getByLabel('Markdown or HTML file').setInputFiles({ name: 'photo.md', mimeType: 'text/markdown', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]) });
  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(dialog.getByRole('alert')).toHaveText('This is not a Markdown file: it contains binary data.');
  await expect(page).toHaveURL(/\/$/);

  await dialog.getByLabel('Or paste its text').fill('<h1>Minutes</h1><p>We agreed on <strong>Friday</strong>.</p><script>alert(1)</script>');
  await dialog.getByLabel('HTML', { exact: true }).check();
  await dialog.getByLabel('Title').fill('');
  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  await page.waitForURL(/\/d\/[A-Za-z0-9_-]+$/);
  const e = new EditorPage(page);
  await e.waitSaved();
  await expect(e.title).toHaveValue('Minutes');
  await expect(e.editor.locator('h1')).toHaveText('Minutes');
  await expect(e.editor.locator('strong')).toHaveText('Friday');
  await expect.poll(() => e.text()).toBe('Minutes\nWe agreed on Friday.');
  await page.context().close();
});
