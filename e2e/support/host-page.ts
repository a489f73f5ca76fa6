import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mintEmbedToken } from '../../lib/embed/tokens';

/**
 * A third-party site that embeds Tandem documents: a static page with the snippet and a tiny
 * "backend" (`/token`) that mints a token per request with an integration key, the way a real
 * host's server would. Listens on port 0 of `host` (127.0.0.1, 127.0.0.2...).
 */
export interface HostPage {
  origin: string;
  /** The page that embeds `doc` (query: name, tokenOrigin to mint for another origin, fixed to hand out one token again and again). */
  url(q: { doc: string; name?: string; tokenOrigin?: string; fixed?: string }): string;
  /** The integration key this host's backend signs with, per document. */
  keys: Map<string, { id: string; secret: string }>;
  /** How many tokens the backend minted. */
  minted(): number;
  close(): Promise<void>;
}

const page = (appOrigin: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Host page</title></head>
<body>
<h1>A site that embeds a Tandem document</h1>
<div id="doc"></div>
<script src="${appOrigin}/embed.js"></script>
<script>
  window.events = [];
  window.tokenRequests = 0;
  const q = new URLSearchParams(location.search);
  const handle = Tandem.mount(document.getElementById('doc'), {
    document: q.get('doc'),
    getToken: async () => {
      window.tokenRequests++;
      const r = await fetch('/token?' + q.toString());
      if (!r.ok) throw new Error(await r.text());
      return r.text();
    },
  });
  for (const name of ['ready', 'saved', 'error']) handle.on(name, (detail) => window.events.push({ name, detail }));
</script>
</body></html>`;

export async function startHostPage(host: string, appOrigin: string): Promise<HostPage> {
  const keys = new Map<string, { id: string; secret: string }>();
  const fixed = new Map<string, string>();
  let minted = 0;
  let origin = '';
  const server = http.createServer((req, res) => {
    void (async () => {
      const u = new URL(req.url ?? '/', origin);
      if (u.pathname === '/') return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(appOrigin));
      if (u.pathname !== '/token') return res.writeHead(404).end('not found');
      const doc = u.searchParams.get('doc') ?? '';
      const key = keys.get(doc);
      if (!key) return res.writeHead(400).end('no key for this document');
      const f = u.searchParams.get('fixed');
      if (f && fixed.has(f)) return res.writeHead(200, { 'content-type': 'text/plain' }).end(fixed.get(f));
      const name = u.searchParams.get('name') ?? 'Visitor';
      const token = await mintEmbedToken({
        keyId: key.id,
        secret: key.secret,
        documentId: doc,
        role: 'editor',
        name,
        sub: name.toLowerCase().replace(/\W+/g, '-'),
        origin: u.searchParams.get('tokenOrigin') ?? origin,
      });
      minted++;
      if (f) fixed.set(f, token);
      res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-store' }).end(token);
    })().catch((e) => res.writeHead(500).end(String(e)));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  origin = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: (q) => `${origin}/?${new URLSearchParams(Object.entries(q).filter(([, v]) => v !== undefined) as [string, string][])}`,
    keys,
    minted: () => minted,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
