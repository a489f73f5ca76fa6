import https from 'node:https';
import { EditorPage } from './pages/editor';
import type { Page } from '@playwright/test';
import { test as base, expect, newAccount, signUpInNewContext } from './fixtures';
import { startTlsPair, tlsPorts, type TlsPair } from './support/tls-servers';

/**
 * The whole product over https and wss: its own app + collaboration server pair, started with
 * TLS_CERT_FILE/TLS_KEY_FILE (a certificate made by openssl for this run) and nothing else about
 * origins, so APP_ORIGIN, COLLAB_URL and the cookie settings are what the configuration derives.
 */

/** At most this many login attempts per address on the pair, so the limit test stays short. */
const LOGINS_PER_IP = 3;

const test = base.extend<object, { tlsPair: TlsPair }>({
  tlsPair: [
    async ({}, use, workerInfo) => {
      // Browsers sign up from loopback, two per test; the login limit is kept low on purpose.
      const limits = { RATE_LIMIT_LOGIN_PER_IP: `${LOGINS_PER_IP}/15m`, RATE_LIMIT_SIGNUP_PER_IP: '1000/1h' };
      const pair = await startTlsPair(tlsPorts(workerInfo.parallelIndex), limits);
      try {
        await use(pair);
      } finally {
        await pair.stop();
      }
    },
    { scope: 'worker', timeout: 90_000 },
  ],
});

test('over https and wss: two people share a document, type at once, converge and see each other', async ({ browser, tlsPair }, info) => {
  // Two sign-ups, a share and typing in two contexts: Firefox alone takes about 40 s on this pair.
  test.setTimeout(120_000);
  const overHttps = { baseURL: tlsPair.origin, ignoreHTTPSErrors: true };
  const ada = newAccount('Ada', info.testId);
  const bo = newAccount('Bo', info.testId);
  const pageA = await signUpInNewContext(browser, ada, overHttps);
  const pageB = await signUpInNewContext(browser, bo, overHttps);
  expect(pageA.url()).toBe(`${tlsPair.origin}/`);

  // The session cookie: __Host- prefixed, Secure, HttpOnly, SameSite=Lax, host-only on path /.
  for (const page of [pageA, pageB]) {
    const cookies = await page.context().cookies();
    expect(cookies.map((c) => c.name)).toEqual(['__Host-tandem_session']);
    expect(cookies[0]).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Lax', path: '/', domain: 'localhost' });
  }

  // Every WebSocket URL the pages open: as the app asks for it (all browsers), and as seen on the
  // network (Chromium reports sockets; Firefox over WebDriver BiDi does not).
  const onNetwork: string[] = [];
  for (const page of [pageA, pageB]) {
    await recordSockets(page);
    page.on('websocket', (ws) => onNetwork.push(ws.url()));
  }

  const id = await EditorPage.create(pageA, 'Encrypted plan');
  const a = new EditorPage(pageA);
  await a.waitSaved();
  await a.shareWith(bo.email, 'editor');

  await pageB.reload();
  await expect(pageB.getByRole('link', { name: 'Encrypted plan' })).toBeVisible();
  const b = new EditorPage(pageB);
  await b.open(id);

  // Ada writes a line first; then both type at once, Bo before it and Ada after it. (At one
  // and the same position the editor may move a typist's own caret behind the other's text,
  // which is about editing, not transport, and would make this test flaky.)
  await a.focusEnd();
  await pageA.keyboard.type('Plan.', { delay: 15 });
  await expect.poll(() => b.text()).toBe('Plan.');
  await b.focusStart();
  await a.focusEnd();
  await Promise.all([pageA.keyboard.type(' Secret from Ada.', { delay: 15 }), pageB.keyboard.type('Secret from Bo. ', { delay: 15 })]);

  const expected = 'Secret from Bo. Plan. Secret from Ada.';
  await expect.poll(() => a.text(), { timeout: 15_000 }).toBe(expected);
  await expect.poll(() => b.text(), { timeout: 15_000 }).toBe(expected);
  await a.waitSaved();
  await b.waitSaved();
  await expect(a.caretLabel(bo.name)).toBeVisible();
  await expect(b.caretLabel(ada.name)).toBeVisible();

  const collab = `wss://localhost:${tlsPair.collabPort}/${id}?tandem=1`;
  for (const page of [pageA, pageB]) {
    const opened = await page.evaluate(() => (window as unknown as { __sockets: string[] }).__sockets);
    expect(opened.length).toBeGreaterThanOrEqual(1);
    for (const url of opened) expect(url).toBe(collab);
  }
  if (info.project.name === 'chromium') {
    expect(onNetwork.length).toBeGreaterThanOrEqual(2);
    for (const url of onNetwork) expect(url).toBe(collab);
  }

  await pageA.context().close();
  await pageB.context().close();
});

/** Notes the URL of every WebSocket the page's scripts open, in this document and after loads. */
async function recordSockets(page: Page): Promise<void> {
  const patch = () => {
    const w = window as unknown as { __sockets?: string[]; WebSocket: typeof WebSocket };
    if (w.__sockets) return;
    w.__sockets = [];
    const Native = w.WebSocket;
    w.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        w.__sockets!.push(String(url));
      }
    };
  };
  await page.context().addInitScript(patch);
  await page.evaluate(patch);
}

let limitRuns = 0;

/** A login POST from the loopback address `from`, with headers a client might forge. */
function loginFrom(pair: TlsPair, from: string, forged: Record<string, string>): Promise<{ status: number; retryAfter?: string; body: string }> {
  const data = JSON.stringify({ email: `nobody-${from}@example.test`, password: 'wrong password' });
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        servername: 'localhost',
        ca: pair.cert.cert,
        port: pair.appPort,
        localAddress: from,
        path: '/api/auth/login',
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: pair.origin, ...forged },
      },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'] as string | undefined, body }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

// No browser involved: it runs once, in the Chromium project (the Firefox project leaves out @browserless).
test('the app counts login attempts per TCP peer: forged X-Forwarded-For and X-Tandem-Client-IP change nothing', { tag: '@browserless' }, async ({ tlsPair }) => {
  // Loopback addresses nothing else uses on this worker's pair (also when the test repeats).
  const n = 2 * ++limitRuns;
  const [from, other] = [`127.0.1.${n}`, `127.0.1.${n + 1}`];
  for (let i = 0; i < LOGINS_PER_IP; i++) {
    const r = await loginFrom(tlsPair, from, { 'x-forwarded-for': `198.51.100.${i}`, 'x-tandem-client-ip': `198.51.100.${i}` });
    expect(r.status).toBe(401);
  }
  const blocked = await loginFrom(tlsPair, from, { 'x-forwarded-for': '198.51.100.99', 'x-tandem-client-ip': '198.51.100.99' });
  expect(blocked.status).toBe(429);
  expect(JSON.parse(blocked.body)).toEqual({ error: { code: 'rate_limited', message: expect.stringMatching(/^Too many login attempts from your network\./) } });
  expect(Number(blocked.retryAfter)).toBeGreaterThan(800);
  expect(Number(blocked.retryAfter)).toBeLessThanOrEqual(900);
  // Another peer address is counted on its own (so the limit is per address, not global).
  expect((await loginFrom(tlsPair, other, {})).status).toBe(401);
});
