import { expect, type Locator, type Page } from '@playwright/test';

/** The document list (home page), as a user sees it. */
export class ListPage {
  readonly search: Locator;
  readonly sort: Locator;
  readonly rows: Locator;
  readonly state: Locator;

  constructor(readonly page: Page) {
    this.search = page.getByLabel('Search by title');
    this.sort = page.getByLabel('Sort by');
    this.rows = page.getByTestId('document-row');
    this.state = page.getByTestId('list-state');
  }

  async open(): Promise<void> {
    await this.page.goto('/');
    await expect(this.page.getByRole('heading', { name: 'Your documents' })).toBeVisible();
  }

  /** Waits until the live stream is connected, so later changes arrive without a reload. */
  async waitLive(): Promise<void> {
    await expect(this.page.getByTestId('live-status')).toHaveAttribute('data-state', 'live', { timeout: 15_000 });
  }

  row(title: string): Locator {
    return this.rows.filter({ has: this.page.getByRole('link', { name: title, exact: true }) });
  }

  async titles(): Promise<string[]> {
    return this.rows.locator('a.title').allTextContents();
  }
}
