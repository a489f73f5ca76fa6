import { EditorPage } from './pages/editor';
import { ListPage } from './pages/list';
import { expect, newAccount, signUpInNewContext, test } from './fixtures';

test('the document list searches by title and sorts by last modified', async ({ browser }, info) => {
  const page = await signUpInNewContext(browser, newAccount('Sol', info.testId));
  const list = new ListPage(page);
  await expect(page.getByText('No documents yet')).toBeVisible();
  // Nothing to search in yet: the search box appears with the first document.
  await expect(list.search).toHaveCount(0);
  for (const title of ['Banana bread', 'apple pie', 'Cherry tart']) {
    await list.open();
    await EditorPage.create(page, title);
    await new EditorPage(page).waitSaved();
  }
  await list.open();
  await expect.poll(() => list.titles()).toEqual(['Cherry tart', 'apple pie', 'Banana bread']);
  await list.sort.selectOption({ label: 'Last modified, oldest first' });
  await expect.poll(() => list.titles()).toEqual(['Banana bread', 'apple pie', 'Cherry tart']);
  await list.sort.selectOption({ label: 'Title, A–Z' });
  await expect.poll(() => list.titles()).toEqual(['apple pie', 'Banana bread', 'Cherry tart']);

  // Editing a document moves it to the top of "newest first".
  await list.sort.selectOption({ label: 'Last modified, newest first' });
  await list.row('Banana bread').getByRole('link').click();
  const e = new EditorPage(page);
  await e.waitSaved();
  await e.focusEnd();
  await page.keyboard.type('Two bananas.');
  await e.waitSaved();
  await list.open();
  await expect.poll(() => list.titles()).toEqual(['Banana bread', 'Cherry tart', 'apple pie']);

  await list.search.fill('AN');
  await expect.poll(() => list.titles()).toEqual(['Banana bread']);
  await list.search.fill('tart');
  await expect.poll(() => list.titles()).toEqual(['Cherry tart']);
  await list.search.fill('zzz');
  await expect(page.getByText('No documents match “zzz”.')).toBeVisible();
  await page.getByRole('button', { name: 'Clear search' }).click();
  await expect(list.search).toHaveValue('');
  await expect(list.rows).toHaveCount(3);
  await page.context().close();
});

test('the document list shows loading and error states, and recovers', async ({ browser }, info) => {
  const page = await signUpInNewContext(browser, newAccount('Eli', info.testId));
  const list = new ListPage(page);
  await EditorPage.create(page, 'Kept safe');
  await list.open();
  await list.waitLive();

  // A slow server: the list says it is loading.
  let release = () => {};
  const gate = new Promise<void>((r) => (release = r));
  await page.route('**/api/documents', async (route) => {
    await gate;
    await route.continue();
  });
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Loading your documents…' })).toBeVisible();
  await expect(list.state).toHaveAttribute('aria-busy', 'true');
  release();
  await expect(list.state).toHaveAttribute('data-state', 'ready');
  await page.unroute('**/api/documents');

  // A failing server: a clear error and a way to try again; what was shown stays.
  await page.route('**/api/documents', (route) =>
    route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'unavailable', message: 'The server is busy.' } }) }),
  );
  await page.getByRole('button', { name: 'Refresh' }).click();
  const error = page.getByTestId('list-error');
  await expect(error).toContainText('Could not load your documents: The server is busy.');
  await expect(list.row('Kept safe')).toBeVisible();
  await page.unroute('**/api/documents');
  await error.getByRole('button', { name: 'Try again' }).click();
  await expect(error).toHaveCount(0);
  await expect(list.state).toHaveAttribute('data-state', 'ready');
  await expect(list.row('Kept safe')).toBeVisible();
  await page.context().close();
});

test('a document shared while the list is open appears without a reload', async ({ browser }, info) => {
  const owner = newAccount('Own', info.testId);
  const guest = newAccount('Gue', info.testId);
  const po = await signUpInNewContext(browser, owner);
  const pg = await signUpInNewContext(browser, guest);
  const list = new ListPage(pg);
  await list.waitLive();
  await expect(pg.getByText('No documents yet')).toBeVisible();
  await EditorPage.create(po, 'Surprise');
  await new EditorPage(po).shareWith(guest.email, 'viewer');
  await expect(list.row('Surprise')).toBeVisible();
  await po.context().close();
  await pg.context().close();
});
