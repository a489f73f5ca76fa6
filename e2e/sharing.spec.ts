import { EditorPage } from './pages/editor';
import { expect, newAccount, signUpInNewContext, test } from './fixtures';

// Two browser contexts each: in Firefox on a slow 2-core machine these took 45-57 s of the
// default 60, so they get three times the usual time (as editor-collab.spec.ts does).
test.beforeEach(() => test.slow());

test('role changes and removal take effect on the open page at once', async ({ browser }, info) => {
  const owner = newAccount('Omar', info.testId);
  const b = newAccount('Bea', info.testId);
  const po = await signUpInNewContext(browser, owner);
  const pb = await signUpInNewContext(browser, b);
  const id = await EditorPage.create(po, 'Live roles');
  const o = new EditorPage(po);
  await o.waitSaved();
  await o.shareWith(b.email, 'viewer');

  // B is a viewer: sees the owner's edits live and cannot type.
  const eb = new EditorPage(pb);
  await eb.open(id);
  await expect(pb.getByText('View only')).toBeVisible();
  await expect(eb.editor).toHaveAttribute('contenteditable', 'false');
  await o.focusEnd();
  await po.keyboard.type('Owner writes. ');
  await expect.poll(() => eb.text()).toBe('Owner writes. ');

  // The owner makes B an editor: B types without reloading, and the owner sees it.
  let dialog = await o.openShare();
  await dialog.getByLabel(`Role of ${b.name}`).selectOption('editor');
  await expect(dialog.getByText(`${b.name} is now an editor.`)).toBeVisible();
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(eb.editor).toHaveAttribute('contenteditable', 'true');
  await expect(pb.getByText('View only')).toBeHidden();
  await eb.focusEnd();
  await pb.keyboard.type('B edits.');
  await eb.waitSaved();
  await expect.poll(() => o.text()).toBe('Owner writes. B edits.');

  // The owner removes B: within a second B's page says so and shows no further edits.
  dialog = await o.openShare();
  const removed = po.waitForResponse((r) => r.request().method() === 'DELETE' && r.url().includes('/members/'));
  await dialog.getByRole('button', { name: `Remove ${b.name}` }).click();
  await removed;
  const t0 = Date.now();
  await expect(pb.getByTestId('access-lost')).toBeVisible({ timeout: 1000 });
  console.log(`removal reached the open page in ${Date.now() - t0} ms`);
  await expect(pb.getByTestId('access-lost')).toContainText('You no longer have access to this document');
  await expect(eb.editor).toHaveCount(0);
  await po.context().close();
  await pb.context().close();
});

test('a link lets a third account open and edit the document, until the owner resets it', async ({ browser }, info) => {
  const owner = newAccount('Lena', info.testId);
  const c = newAccount('Cato', info.testId);
  const po = await signUpInNewContext(browser, owner);
  const id = await EditorPage.create(po, 'Open notes');
  const o = new EditorPage(po);
  await o.waitSaved();
  const dialog = await o.openShare();
  await dialog.getByLabel('Who can open it').selectOption('link');
  await dialog.getByLabel('Link gives').selectOption('editor');
  await expect(dialog.getByText('Anyone with the link can edit.')).toBeVisible();
  const url = await dialog.getByTestId('share-link').inputValue();
  expect(url).toMatch(new RegExp(`/d/${id}\\?link=[A-Za-z0-9_-]{43}$`));
  await dialog.getByRole('button', { name: 'Done' }).click();

  // A third account opens the link, lands on the document (without the secret in the URL) and edits.
  const pc = await signUpInNewContext(browser, c);
  await pc.goto(url);
  await expect(pc).toHaveURL(new RegExp(`/d/${id}$`));
  const ec = new EditorPage(pc);
  await ec.waitSaved();
  await ec.focusEnd();
  await pc.keyboard.type('Via the link.');
  await ec.waitSaved();
  await expect.poll(() => o.text()).toBe('Via the link.');
  await pc.goto('/');
  await expect(pc.getByTestId('document-row').filter({ hasText: 'Open notes' })).toContainText('anyone with the link can edit');

  // Resetting the link takes the access away.
  const again = await o.openShare();
  await again.getByRole('button', { name: 'Reset link' }).click();
  await expect(again.getByText('The old link no longer works')).toBeVisible();
  await pc.goto(url);
  await expect(pc.getByRole('heading', { name: 'This link no longer works' })).toBeVisible();
  await po.context().close();
  await pc.context().close();
});
