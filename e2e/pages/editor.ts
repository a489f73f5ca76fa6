import { expect, type Locator, type Page } from '@playwright/test';

/** The document page, as a user sees it. */
export class EditorPage {
  readonly editor: Locator;
  readonly status: Locator;
  readonly toolbar: Locator;
  readonly presence: Locator;
  readonly title: Locator;

  constructor(readonly page: Page) {
    this.editor = page.getByTestId('editor');
    this.status = page.getByTestId('save-status');
    this.toolbar = page.getByRole('toolbar', { name: 'Formatting' });
    this.presence = page.getByTestId('presence');
    this.title = page.getByTestId('doc-title');
  }

  /** A toolbar button by its accessible name ("Bold", "Heading 1", "Add row below"…). */
  tool(name: string): Locator {
    return this.toolbar.getByRole('button', { name, exact: true });
  }

  /** The document as the editor holds it (Tiptap JSON), for comparing what two people have. */
  async json(): Promise<unknown> {
    // Tiptap keeps a reference to itself on its root element.
    return this.editor.evaluate((el) => (el as unknown as { editor: { getJSON(): unknown } }).editor.getJSON());
  }

  /** Pastes like a person would: a paste event carrying these clipboard types. */
  async paste(data: Record<string, string>): Promise<void> {
    await this.editor.evaluate((el, d) => {
      const dt = new DataTransfer();
      for (const [type, value] of Object.entries(d)) dt.setData(type, value);
      const event = new ClipboardEvent('paste', { bubbles: true, cancelable: true });
      // Firefox empties a DataTransfer handed to the constructor; an own property keeps it.
      Object.defineProperty(event, 'clipboardData', { value: dt });
      el.dispatchEvent(event);
    }, data);
  }

  /** Replaces the whole document with one line of text and selects it. */
  async typeAndSelect(text: string): Promise<void> {
    await this.focus();
    await this.page.keyboard.press('ControlOrMeta+A');
    await this.page.keyboard.type(text);
    await this.page.keyboard.press('ControlOrMeta+A');
    await expect.poll(() => this.selection()).toMatchObject({ collapsed: false });
  }

  /**
   * Clicks into the editor and waits until it has the focus: a shortcut pressed before that
   * goes to the page (Chromium, under load, in the full run), not to the editor.
   */
  private async focus(): Promise<void> {
    await this.page.bringToFront();
    await this.editor.click();
    await expect(this.editor).toBeFocused();
  }

  /** The page's selection: whether it is collapsed, and its text. */
  selection(): Promise<{ collapsed: boolean; text: string }> {
    return this.page.evaluate(() => {
      const sel = window.getSelection();
      return { collapsed: sel?.isCollapsed ?? true, text: sel?.toString() ?? '' };
    });
  }

  /** Avatar of a person in the presence bar, by the name it is labelled with. */
  avatar(name: string): Locator {
    return this.presence.getByLabel(new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?!\\w)`));
  }

  async open(id: string): Promise<void> {
    await this.page.goto(`/d/${id}`);
    await this.waitSaved();
  }

  async waitSaved(): Promise<void> {
    await expect(this.status).toHaveAttribute('data-state', 'saved', { timeout: 15_000 });
    await expect(this.status).toHaveText('All changes saved');
  }

  /** Places the caret at the end of the document. */
  async focusEnd(): Promise<void> {
    // A person types in the window in front; Firefox does not move a caret in one behind.
    await this.focus();
    await this.page.keyboard.press('ControlOrMeta+End');
    await expect.poll(() => this.selection()).toMatchObject({ collapsed: true });
  }

  /** Places the caret at the start of the first line (Firefox ignores Ctrl+Home here; Home works). */
  async focusStart(): Promise<void> {
    await this.focus();
    await this.page.keyboard.press('ControlOrMeta+Home');
    await this.page.keyboard.press('Home');
    await expect.poll(() => this.selection()).toMatchObject({ collapsed: true });
  }

  /** The document's text as shown, without other people's caret labels. */
  async text(): Promise<string> {
    const raw = await this.editor.evaluate((el) => {
      const copy = el.cloneNode(true) as HTMLElement;
      copy.querySelectorAll('.collaboration-carets__caret').forEach((c) => c.remove());
      return Array.from(copy.children, (block) => block.textContent ?? '').join('\n');
    });
    return raw.replace(/\u00a0/g, ' ');
  }

  /** Labels of other people's carets shown in this page. */
  caretLabel(name: string): Locator {
    return this.page.locator('.collaboration-carets__label', { hasText: name });
  }

  /** Creates a document from the list page and opens it; returns its id. */
  static async create(page: Page, title: string): Promise<string> {
    await page.getByLabel('Title of the new document').fill(title);
    await page.getByRole('button', { name: 'New document' }).click();
    await page.waitForURL(/\/d\/[A-Za-z0-9_-]+$/);
    return page.url().split('/d/')[1];
  }

  /** The share dialog, opened. */
  async openShare(): Promise<Locator> {
    await this.page.getByRole('button', { name: 'Share', exact: true }).click();
    const dialog = this.page.getByRole('dialog', { name: /^Share/ });
    await expect(dialog).toBeVisible();
    return dialog;
  }

  async shareWith(email: string, role: 'editor' | 'viewer'): Promise<void> {
    const dialog = await this.openShare();
    await dialog.getByLabel('Email').fill(email);
    await dialog.getByLabel('Role', { exact: true }).selectOption(role);
    await dialog.getByRole('button', { name: 'Give access' }).click();
    await expect(dialog.getByText(`Shared with ${email}.`)).toBeVisible();
    await dialog.getByRole('button', { name: 'Done' }).click();
    await expect(dialog).toBeHidden();
  }
}
