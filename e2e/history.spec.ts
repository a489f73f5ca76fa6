import type { Locator } from '@playwright/test';
import { sharedDocument } from './support/shared-document';
import { expect, test } from './fixtures';

/** The version's own text, without the struck-through text of the current document shown in it. */
function versionText(preview: Locator): Promise<string> {
  return preview.getByTestId('version-text').evaluate((el) => {
    const copy = el.cloneNode(true) as HTMLElement;
    copy.querySelectorAll('del.diff-removed').forEach((d) => d.remove());
    return copy.textContent ?? '';
  });
}

// Two browsers each: slow on a busy machine, so these get three times the usual time.
test.beforeEach(() => test.slow());

test('a named version is listed, shown with its differences, and restored for everyone connected', async ({ browser }, info) => {
  const { id, ada, pageA, pageB, a, b } = await sharedDocument(browser, info.testId, 'History');

  await a.focusEnd();
  await pageA.keyboard.type('first draft of the plan');
  await a.waitSaved();

  // Save a named version from the panel (opened with Google Docs' shortcut).
  await a.focusEnd();
  await pageA.keyboard.press('ControlOrMeta+Alt+Shift+H');
  const panel = pageA.getByRole('complementary', { name: 'Version history' });
  await expect(panel).toBeVisible();
  await panel.getByLabel('Name this version').fill('Before review');
  await panel.getByRole('button', { name: 'Save version' }).click();
  await expect(panel.getByRole('status')).toHaveText('Saved version “Before review”.');
  const versions = panel.getByRole('list', { name: 'Versions, newest first' }).getByRole('listitem');
  await expect(versions).toHaveCount(1);
  await expect(versions.first()).toContainText('Before review');
  await expect(versions.first()).toContainText(`Edited by ${ada.name}`);

  // Bo rewrites the text; Ada sees it live.
  await b.open(id);
  await b.typeAndSelect('second draft of the plan with changes');
  await pageB.keyboard.press('End');
  await b.waitSaved();
  await expect.poll(() => a.text()).toBe('second draft of the plan with changes');

  // The version, read-only, with what restoring it would bring back and take away.
  await versions.first().getByRole('button').click();
  const preview = pageA.getByRole('region', { name: /Before review/ });
  await expect.poll(() => versionText(preview)).toBe('first draft of the plan');
  await expect(preview.getByTestId('version-text')).toHaveAttribute('contenteditable', 'false');
  await expect(preview.getByTestId('version-text').locator('ins.diff-added')).toHaveText(['first']);
  await expect(preview.getByTestId('version-text').locator('del.diff-removed')).toHaveText(['second', ' with changes']);
  await expect(preview.getByTestId('diff-summary')).toHaveText(/1 passage only in this version, 2 passages only in the current document/);
  await expect(a.editor).toBeHidden();

  // Restore: a new change that Bo's open page receives at once, and a new entry in history.
  await preview.getByRole('button', { name: 'Restore this version' }).click();
  await expect(panel.getByRole('status')).toHaveText('Restored “Before review”. Everyone editing sees it now.');
  await expect(a.editor).toBeVisible();
  await expect.poll(() => a.text()).toBe('first draft of the plan');
  await expect.poll(() => b.text()).toBe('first draft of the plan');
  await expect(versions).toHaveCount(2);
  await expect(versions.first()).toContainText('Restored: Before review');

  // Editing goes on from the restored text.
  await b.focusEnd();
  await pageB.keyboard.type(' and more');
  await b.waitSaved();
  await expect.poll(() => a.text()).toBe('first draft of the plan and more');

  await panel.getByRole('button', { name: 'Close version history' }).click();
  await expect(panel).toBeHidden();
  await pageA.context().close();
  await pageB.context().close();
});

test('a viewer can look through history but not save or restore', async ({ browser }, info) => {
  const { id, pageA, pageB: pageV, a, b: v } = await sharedDocument(browser, info.testId, 'Viewed history', 'viewer', 'Vi');
  await a.focusEnd();
  await pageA.keyboard.type('visible words');
  await a.waitSaved();
  await pageA.getByRole('button', { name: 'History' }).click();
  await pageA.getByLabel('Name this version').fill('Shared state');
  await pageA.getByRole('button', { name: 'Save version' }).click();
  await expect(pageA.getByRole('status').filter({ hasText: 'Saved version' })).toBeVisible();

  await v.open(id);
  await pageV.getByRole('button', { name: 'History' }).click();
  const panel = pageV.getByRole('complementary', { name: 'Version history' });
  await expect(panel.getByLabel('Name this version')).toHaveCount(0);
  await panel.getByRole('button', { name: /Shared state/ }).click();
  const preview = pageV.getByRole('region', { name: /Shared state/ });
  await expect.poll(() => versionText(preview)).toBe('visible words');
  await expect(preview.getByTestId('diff-summary')).toHaveText('Same as the current document.');
  await expect(preview.getByRole('button', { name: 'Restore this version' })).toHaveCount(0);
  await preview.getByRole('button', { name: 'Back to the document' }).click();
  await expect(v.editor).toBeVisible();
  await pageA.context().close();
  await pageV.context().close();
});
