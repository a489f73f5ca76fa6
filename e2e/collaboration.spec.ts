import { EditorPage } from './pages/editor';
import { expect, logIn, newAccount, signUpInNewContext, signUpThroughForm, test } from './fixtures';

// Two browser contexts each: in Firefox on a slow 2-core machine these took 45-57 s of the
// default 60, so they get three times the usual time (as editor-collab.spec.ts does).
test.beforeEach(() => test.slow());

test('two people sign up, share, type at once, see each other, and the text persists', async ({ browser }, info) => {
  const ada = newAccount('Ada', info.testId);
  const bo = newAccount('Bo', info.testId);
  // Through the sign-up form: the other tests create their accounts through the API.
  const pageA = await signUpThroughForm(browser, ada);
  const pageB = await signUpThroughForm(browser, bo);

  const id = await EditorPage.create(pageA, 'Trip plan');
  const a = new EditorPage(pageA);
  await a.waitSaved();
  await a.shareWith(bo.email, 'editor');

  // A shared line to type around: two people typing at the very same spot may interleave
  // letters (a CRDT merge, not a bug), so each types at their own end of it.
  await a.focusEnd();
  await pageA.keyboard.type('|plan|');
  await a.waitSaved();

  await pageB.reload();
  await expect(pageB.getByRole('link', { name: 'Trip plan' })).toBeVisible();
  const b = new EditorPage(pageB);
  await b.open(id);
  await expect.poll(() => b.text()).toBe('|plan|');

  await a.focusStart();
  await b.focusEnd();
  await Promise.all([pageA.keyboard.type('alpha from Ada. ', { delay: 15 }), pageB.keyboard.type(' beta from Bo.', { delay: 15 })]);

  const expected = 'alpha from Ada. |plan| beta from Bo.';
  await expect.poll(() => a.text(), { timeout: 15_000 }).toBe(expected);
  await expect.poll(() => b.text(), { timeout: 15_000 }).toBe(expected);
  const converged = await a.text();
  await a.waitSaved();
  await b.waitSaved();

  // Each sees the other's caret, labelled with the account name.
  await expect(a.caretLabel(bo.name)).toBeVisible();
  await expect(b.caretLabel(ada.name)).toBeVisible();

  // A reload shows what was stored.
  await pageA.reload();
  await a.waitSaved();
  await expect.poll(() => a.text()).toBe(converged);

  // The stored content is readable through the API too.
  const res = await pageA.request.get(`/api/documents/${id}/content?format=text`);
  expect(res.status()).toBe(200);
  expect((await res.text()).trim()).toBe(converged.trim());

  await pageA.context().close();
  await pageB.context().close();
});

test('a signed-out visitor is sent to log in and comes back to the document', async ({ browser }, info) => {
  const owner = newAccount('Olga', info.testId);
  const page = await signUpInNewContext(browser, owner);
  const id = await EditorPage.create(page, 'Private notes');
  const e = new EditorPage(page);
  await e.waitSaved();
  await e.focusEnd();
  await page.keyboard.type('only for me');
  await e.waitSaved();

  const visitor = await browser.newContext();
  const vp = await visitor.newPage();
  await vp.goto(`/d/${id}`);
  await expect(vp).toHaveURL(new RegExp(`/login\\?next=%2Fd%2F${id}$`));
  await logIn(vp, owner);
  await expect(vp).toHaveURL(new RegExp(`/d/${id}$`));
  const again = new EditorPage(vp);
  await again.waitSaved();
  await expect.poll(() => again.text()).toBe('only for me');
  await visitor.close();
  await page.context().close();
});
