import type { Browser } from '@playwright/test';
import { expect, newAccount, signUpInNewContext } from '../fixtures';
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
  const origin = new URL(pageA.url()).origin;
  const share = await pageA.request.post(`/api/documents/${id}/members`, { headers: { Origin: origin }, data: { email: bo.email, role } });
  expect(share.status(), await share.text()).toBe(201);
  return { id, ada, bo, pageA, pageB, a, b: new EditorPage(pageB) };
}
