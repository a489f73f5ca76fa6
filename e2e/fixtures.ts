import { test as base, expect, type Browser, type BrowserContextOptions, type Page } from '@playwright/test';

export interface Account {
  name: string;
  email: string;
  password: string;
}

let n = 0;

/** A fresh account description (unique per test, engine and worker). */
export function newAccount(label: string, testId: string): Account {
  const tag = `${testId.slice(0, 8)}-${process.pid}-${++n}`;
  return { name: `${label} ${tag.slice(0, 4)}`, email: `${label.toLowerCase()}-${tag}@example.test`, password: `pw-${tag}-secret` };
}

/**
 * Headers for the app's API from outside a page, as the browser would send them: state-changing
 * routes refuse a request without the app's own Origin (CSRF).
 */
export function apiHeaders(baseURL: string): { Origin: string } {
  return { Origin: new URL(baseURL).origin };
}

/** Adds `email`'s account to document `id` as `role`, with `page`'s session (the owner's). */
export async function shareThroughApi(page: Page, id: string, email: string, role: 'editor' | 'viewer'): Promise<void> {
  const res = await page.request.post(`/api/documents/${id}/members`, { headers: apiHeaders(page.url()), data: { email, role } });
  expect(res.status(), await res.text()).toBe(201);
}

/**
 * A new browser context signed in as a new account, with its page on the document list.
 * `options` set up the context (e.g. another `baseURL`, `ignoreHTTPSErrors`).
 *
 * The account is created through the sign-up API, with the context's own cookie jar: the form
 * takes four UI actions, each 0.4-0.7 s in Firefox over WebDriver BiDi, and most tests only
 * need someone signed in. The form itself is driven by `signUpThroughForm` (collaboration.spec.ts).
 */
export async function signUpInNewContext(browser: Browser, account: Account, options?: BrowserContextOptions): Promise<Page> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const baseURL = options?.baseURL ?? base.info().project.use.baseURL;
  if (!baseURL) throw new Error('no baseURL to sign up against');
  const res = await context.request.post(new URL('/api/auth/signup', baseURL).href, { data: account, headers: apiHeaders(baseURL) });
  expect(res.status(), await res.text()).toBe(201);
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Your documents' })).toBeVisible();
  return page;
}

/** Signs up through the form in a new browser context; returns the page, on the document list. */
export async function signUpThroughForm(browser: Browser, account: Account, options?: BrowserContextOptions): Promise<Page> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  await page.goto('/signup');
  await page.getByLabel('Name').fill(account.name);
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.getByRole('heading', { name: 'Your documents' })).toBeVisible();
  return page;
}

/** Logs in through the form on the current page (which must be /login). */
export async function logIn(page: Page, account: Account): Promise<void> {
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

export const test = base;
export { expect };
