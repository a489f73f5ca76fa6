import { EditorPage } from './pages/editor';
import { expect, newAccount, signUpInNewContext, test } from './fixtures';

test('the document list creates, renames and deletes documents', async ({ browser }, info) => {
  const page = await signUpInNewContext(browser, newAccount('Lia', info.testId));
  await expect(page.getByText('No documents yet')).toBeVisible();
  const id = await EditorPage.create(page, 'Groceries');
  await new EditorPage(page).waitSaved();
  await page.goto('/');
  const row = page.getByTestId('document-row').filter({ hasText: 'Groceries' });
  await expect(row.getByText('owner', { exact: true })).toBeVisible();
  await expect(row.getByTestId('sharing')).toHaveText('Only the owner');

  await row.getByRole('button', { name: 'Rename Groceries' }).click();
  await page.getByLabel('New title').fill('Weekly groceries');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('link', { name: 'Weekly groceries' })).toBeVisible();

  await page.getByRole('button', { name: 'Delete Weekly groceries' }).click();
  await expect(page.locator('main').getByRole('alert')).toContainText('Delete “Weekly groceries” for everyone?');
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(page.getByText('No documents yet')).toBeVisible();
  await page.goto(`/d/${id}`);
  await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
  await page.context().close();
});

test('the title is renamed in place on the document page', async ({ browser }, info) => {
  const page = await signUpInNewContext(browser, newAccount('Tom', info.testId));
  await EditorPage.create(page, 'Draft');
  const title = page.getByTestId('doc-title');
  await title.fill('Final draft');
  await title.press('Enter');
  await expect(page).toHaveTitle('Final draft · Tandem');
  await page.reload();
  await expect(page.getByTestId('doc-title')).toHaveValue('Final draft');
  await page.context().close();
});

test('a viewer sees live edits but cannot type', async ({ browser }, info) => {
  const owner = newAccount('Olu', info.testId);
  const viewer = newAccount('Vic', info.testId);
  const po = await signUpInNewContext(browser, owner);
  const pv = await signUpInNewContext(browser, viewer);
  const id = await EditorPage.create(po, 'Announcement');
  const o = new EditorPage(po);
  await o.waitSaved();
  await o.shareWith(viewer.email, 'viewer');
  await o.focusEnd();
  await po.keyboard.type('Read this.');
  await o.waitSaved();

  const v = new EditorPage(pv);
  await v.open(id);
  await expect(pv.getByText('View only')).toBeVisible();
  await expect(v.editor).toHaveAttribute('contenteditable', 'false');
  await expect.poll(() => v.text()).toBe('Read this.');
  await v.editor.click();
  await pv.keyboard.type('viewer typing');
  await po.keyboard.type(' More.');
  await expect.poll(() => v.text()).toBe('Read this. More.');
  await o.waitSaved();
  await expect.poll(() => o.text()).toBe('Read this. More.');
  await expect(v.status).toHaveAttribute('data-state', 'saved');
  await po.context().close();
  await pv.context().close();
});

test('wrong passwords get a clear error; signing out ends the session', async ({ browser }, info) => {
  const acct = newAccount('Sam', info.testId);
  const page = await signUpInNewContext(browser, acct);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.getByLabel('Email').fill(acct.email);
  await page.getByLabel('Password').fill('not my password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.locator('main').getByRole('alert')).toHaveText('Email or password is incorrect.');
  await page.goto('/');
  await expect(page.getByRole('link', { name: 'Sign up' }).first()).toBeVisible();
  await page.context().close();
});
