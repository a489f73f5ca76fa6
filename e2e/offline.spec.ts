import type { Page, WebSocketRoute } from '@playwright/test';
import { EditorPage } from './pages/editor';
import { expect, newAccount, signUpInNewContext, test } from './fixtures';

/**
 * y-indexeddb writes each update asynchronously; wait until this page's document caches stop
 * changing, as a person closing the tab a moment after typing would.
 */
async function localCacheSettled(page: Page): Promise<void> {
  const count = () =>
    page.evaluate(async () => {
      const dbs = (await indexedDB.databases()).filter((d) => d.name?.startsWith('tandem:'));
      let n = 0;
      for (const { name } of dbs) {
        const db = await new Promise<IDBDatabase>((res, rej) => {
          const r = indexedDB.open(name!);
          r.onsuccess = () => res(r.result);
          r.onerror = () => rej(r.error);
        });
        n += await new Promise<number>((res) => {
          const r = db.transaction('updates').objectStore('updates').count();
          r.onsuccess = () => res(r.result);
        });
        db.close();
      }
      return n;
    });
  let last = -1;
  await expect
    .poll(async () => {
      const n = await count();
      const stable = n === last && n > 0;
      last = n;
      return stable;
    }, { intervals: [150] })
    .toBe(true);
}

test('edits made offline survive closing the tab and reach the server on the next visit', async ({ browser }, info) => {
  const acct = newAccount('Ola', info.testId);
  const page = await signUpInNewContext(browser, acct);
  const context = page.context();

  // Every collaboration socket of this browser goes through this switch.
  let online = true;
  const open = new Set<WebSocketRoute>();
  await context.routeWebSocket(/:\d+\/[A-Za-z0-9_-]{16,}/, (ws) => {
    if (!online) {
      ws.close({ code: 1001, reason: 'offline' });
      return;
    }
    ws.connectToServer();
    open.add(ws);
  });
  const goOffline = async () => {
    online = false;
    for (const ws of open) await ws.close({ code: 1001, reason: 'network down' }).catch(() => {});
    open.clear();
  };

  const id = await EditorPage.create(page, 'Offline notes');
  const e = new EditorPage(page);
  await e.waitSaved();
  await e.focusEnd();
  await page.keyboard.type('Typed online. ');
  await e.waitSaved();

  await goOffline();
  await page.keyboard.type('Typed offline.');
  await expect(e.status).toHaveAttribute('data-state', 'offline');
  await expect(e.status).toContainText('Offline');
  await localCacheSettled(page);
  await page.close();

  // Next visit, still offline: the text is there and the status says it is waiting.
  const again = await context.newPage();
  await again.goto(`/d/${id}`);
  const e2 = new EditorPage(again);
  await expect.poll(() => e2.text()).toBe('Typed online. Typed offline.');
  await expect(e2.status).toHaveAttribute('data-state', 'offline');

  // Back online: the edit reaches the server.
  online = true;
  await e2.waitSaved();
  const other = await browser.newContext();
  const op = await other.newPage();
  const res = await op.request.post('/api/auth/login', {
    headers: { Origin: new URL(page.url()).origin },
    data: { email: acct.email, password: acct.password },
  });
  expect(res.status()).toBe(200);
  const text = await op.request.get(`/api/documents/${id}/content?format=text`);
  expect(await text.text()).toBe('Typed online. Typed offline.');
  await other.close();
  await context.close();
});
