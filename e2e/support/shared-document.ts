import type { Browser } from '@playwright/test';
import { newAccount, shareThroughApi, signUpInNewContext } from '../fixtures';
import { EditorPage } from '../pages/editor';

/**
 * Two accounts in their own browsers: Ada creates a document titled `title` and shares it with
 * the second (`label`, "Bo" unless told) as `role`. The second has not opened it yet.
 *
 * Shared through the members API, as Ada's page would: the share dialog has its own tests
 * (sharing.spec.ts, collaboration.spec.ts), and its seven UI actions took about 4 s in Firefox.
 */
export async function sharedDocument(browser: Browser, testId: string, title: string, role: 'editor' | 'viewer' = 'editor', label = 'Bo') {
  const ada = newAccount('Ada', testId);
  const bo = newAccount(label, testId);
  const pageA = await signUpInNewContext(browser, ada);
  const pageB = await signUpInNewContext(browser, bo);
  const id = await EditorPage.create(pageA, title);
  const a = new EditorPage(pageA);
  await a.waitSaved();
  await shareThroughApi(pageA, id, bo.email, role);
  return { id, ada, bo, pageA, pageB, a, b: new EditorPage(pageB) };
}
