import { EditorPage } from './pages/editor';
import { crashAndRestartCollab } from './support/servers';
import { expect, newAccount, signUpInNewContext, test } from './fixtures';

test('what the page showed as saved survives a SIGKILL of the server and a closed tab', async ({ browser }, info) => {
  const writer = newAccount('Wren', info.testId);
  const page = await signUpInNewContext(browser, writer);
  const id = await EditorPage.create(page, 'Crash-proof');
  const e = new EditorPage(page);
  await e.waitSaved();
  await e.focusEnd();
  const text = 'Every character here was acknowledged before the crash: 0123456789.';
  await page.keyboard.type(text, { delay: 5 });
  await e.waitSaved();

  // Kill the server the moment the page says saved, close the tab, then restart.
  await crashAndRestartCollab(async () => {
    await page.context().close();
  });

  const visitor = await browser.newContext();
  const vp = await visitor.newPage();
  await vp.goto('/login?next=' + encodeURIComponent(`/d/${id}`));
  await vp.getByLabel('Email').fill(writer.email);
  await vp.getByLabel('Password').fill(writer.password);
  await vp.getByRole('button', { name: 'Log in' }).click();
  const again = new EditorPage(vp);
  await again.waitSaved();
  await expect.poll(() => again.text()).toBe(text);
  await visitor.close();
});
