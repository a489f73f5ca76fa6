import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import * as Y from 'yjs';
import { expect, newAccount, signUpInNewContext, test } from '../../e2e/fixtures';
import { EditorPage } from '../../e2e/pages/editor';
import { connectDocument, type CollabConnection } from '../../lib/client/provider';
import { FRAGMENT } from '../../lib/editor/extensions';
import { socketWith } from '../../server/test/helpers';
import { B4_TRACE, readTrace, requireTraces } from '../../server/test/traces';
import { percentile, round3 } from '../lib/stats';

/**
 * Chromium with the B4 paper's final text (104,852 characters, josephg/editing-traces, CC BY 4.0)
 * in the editor while 5 remote writers type: keystroke-to-next-frame, remote edit appearance and
 * the editor route's JavaScript (gzipped). Writes bench/results/browser.json.
 */
const KEYSTROKES = 200;
const MARKERS = 60;

interface Remote {
  conn: CollabConnection;
  doc: Y.Doc;
}

function remote(collabUrl: string, documentId: string, cookie: string, origin: string): Remote {
  const doc = new Y.Doc();
  const conn = connectDocument({ url: collabUrl, documentId, doc, Socket: socketWith({ cookie, origin }) });
  return { conn, doc };
}

const synced = (r: Remote) => expect.poll(() => r.conn.provider.synced, { timeout: 60_000 }).toBe(true);
const saved = (r: Remote) => expect.poll(() => r.conn.tracker.state.kind, { timeout: 120_000 }).toBe('saved');

test('editor with the B4 text and 5 remote writers', async ({ browser, baseURL }, info) => {
  requireTraces();
  const finalText = readTrace(B4_TRACE).endContent;
  const page = await signUpInNewContext(browser, newAccount('Bench', info.testId));
  // Counted from the fresh load below: whether a response counts is decided when it arrives,
  // not when its body has been read (a body still being read from the sign-up or creation
  // navigation used to land after the reset and be counted too).
  let counting = false;
  const scripts: Promise<{ url: string; body: Buffer }>[] = [];
  page.on('response', (res) => {
    if (counting && /\/_next\/static\/.*\.js(\?|$)/.test(res.url())) scripts.push(res.body().then((body) => ({ url: res.url(), body }), () => ({ url: res.url(), body: Buffer.alloc(0) })));
  });
  const id = await EditorPage.create(page, 'B4 paper');
  const session = (await page.context().cookies()).find((c) => c.name.endsWith('tandem_session'))!;
  const cookie = `${session.name}=${session.value}`;
  const collabUrl = `ws://localhost:${process.env.E2E_COLLAB_PORT ?? 3901}`;

  // Seed the document: one paragraph per line of the paper.
  const seeder = remote(collabUrl, id, cookie, baseURL!);
  await synced(seeder);
  const lines = finalText.split('\n');
  seeder.doc.transact(() => {
    const paragraphs = lines.map((line) => {
      const p = new Y.XmlElement('paragraph');
      if (line) p.insert(0, [new Y.XmlText(line)]);
      return p;
    });
    seeder.doc.getXmlFragment(FRAGMENT).insert(0, paragraphs);
  });
  await saved(seeder);
  seeder.conn.destroy();

  // A fresh load of the editor route: its scripts are what a user downloads.
  counting = true;
  const editor = new EditorPage(page);
  const loadStart = Date.now();
  await editor.open(id);
  const expectedChars = finalText.length - (lines.length - 1);
  await expect.poll(() => editor.editor.evaluate((el) => (el.textContent ?? '').length)).toBeGreaterThanOrEqual(expectedChars);
  const loadMs = Date.now() - loadStart;
  counting = false;
  const loaded = await Promise.all(scripts);
  const jsGzip = loaded.reduce((n, s) => n + zlib.gzipSync(s.body, { level: 9 }).length, 0);
  const jsRaw = loaded.reduce((n, s) => n + s.body.length, 0);

  // Five remote writers, 5 edits/s each, into random paragraphs; writer 0 also drops markers.
  const writers = Array.from({ length: 5 }, () => remote(collabUrl, id, cookie, baseURL!));
  for (const w of writers) await synced(w);
  const sentAt = new Map<number, number>();
  let marker = 0;
  const timers = writers.map((w, i) =>
    setInterval(() => {
      const frag = w.doc.getXmlFragment(FRAGMENT);
      const p = frag.get(Math.floor(Math.random() * frag.length)) as Y.XmlElement;
      const t = p.get(0) as Y.XmlText | undefined;
      if (!t) return;
      if (i === 0 && marker < MARKERS) {
        const k = marker++;
        sentAt.set(k, Date.now());
        t.insert(Math.floor(Math.random() * (t.length + 1)), `⟦${k}⟧`);
      } else t.insert(Math.floor(Math.random() * (t.length + 1)), 'x');
    }, 200),
  );

  await editor.editor.evaluate((el) => {
    const w = window as unknown as { __frames: number[]; __seen: Record<string, number> };
    w.__frames = [];
    w.__seen = {};
    el.addEventListener(
      'keydown',
      (e) => {
        const t0 = e.timeStamp;
        requestAnimationFrame(() => w.__frames.push(performance.now() - t0));
      },
      true,
    );
    new MutationObserver((records) => {
      const now = Date.now();
      for (const r of records) {
        const nodes = r.type === 'characterData' ? [r.target] : [r.target, ...Array.from(r.addedNodes)];
        for (const n of nodes) {
          const text = n.nodeType === Node.TEXT_NODE || (n as Element).childElementCount < 50 ? (n.textContent ?? '') : '';
          for (const m of text.matchAll(/⟦(\d+)⟧/g)) w.__seen[m[1]] ??= now;
        }
      }
    }).observe(el, { subtree: true, childList: true, characterData: true });
  });
  await editor.focusEnd();
  await page.keyboard.type('a'.repeat(KEYSTROKES), { delay: 40 });
  await expect.poll(() => marker, { timeout: 60_000 }).toBe(MARKERS);
  await page.waitForTimeout(2000);
  timers.forEach(clearInterval);

  const frames = await page.evaluate(() => (window as unknown as { __frames: number[] }).__frames);
  const seen = await page.evaluate(() => (window as unknown as { __seen: Record<string, number> }).__seen);
  const appear = [...sentAt].filter(([k]) => seen[k] !== undefined).map(([k, t]) => seen[k] - t);
  for (const w of writers) w.conn.destroy();
  expect(frames.length).toBeGreaterThan(KEYSTROKES * 0.9);
  expect(appear.length).toBeGreaterThan(MARKERS * 0.9);

  const result = {
    date: new Date().toISOString(),
    browser: `chromium ${browser.version()}`,
    document_chars: finalText.length,
    paragraphs: lines.length,
    load_ms: loadMs,
    keystrokes: frames.length,
    keystroke_to_frame_p50_ms: round3(percentile(frames, 0.5)),
    keystroke_to_frame_p95_ms: round3(percentile(frames, 0.95)),
    remote_edits: appear.length,
    remote_appear_p50_ms: round3(percentile(appear, 0.5)),
    remote_appear_p95_ms: round3(percentile(appear, 0.95)),
    editor_route_js_gzip_kb: round3(jsGzip / 1024),
    editor_route_js_raw_kb: round3(jsRaw / 1024),
    editor_route_scripts: loaded.length,
  };
  const out = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../results/browser.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  console.log(JSON.stringify(result, null, 2));
});
