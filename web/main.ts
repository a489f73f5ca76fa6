import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { configOrExit } from '../lib/config';
import { openStorage, type Storage } from '../lib/storage';
import { withEmbedFraming } from './embed-framing';
import { createWebServer, type RequestHandler } from './server';

/**
 * Entry point of the web app process, in place of `next start`/`next dev`: Next's request
 * handler behind our own http or https server, which stamps the trusted client address on every
 * request. `npm start`, `npm run dev` (`--dev`) and the end-to-end harness all start it as
 * `node --import tsx web/main.ts [--dev]`.
 */

const dev = process.argv.includes('--dev');
// Next and React pick their production or development builds from NODE_ENV when first loaded,
// so it is set before `next` is imported (dynamically, below).
Object.assign(process.env, { NODE_ENV: dev ? 'development' : 'production' });
const ROOT = fileURLToPath(new URL('..', import.meta.url));

async function main() {
  const config = configOrExit();
  const { default: next } = await import('next');
  // Next wants our server before it prepares; we listen only once its handler is ready.
  let handle: RequestHandler = async (_req, res) => void res.writeHead(503, { 'retry-after': '1' }).end('starting\n');
  const web = createWebServer({ tls: config.tls, trustProxy: config.trustProxy, handle: (req, res) => handle(req, res) });
  // With `httpServer`, Next attaches its upgrade handler (hot reloading in development) to ours.
  const app = next({ dev, dir: ROOT, hostname: config.host, port: config.port, httpServer: web.server as Server });
  await app.prepare();
  // Embed pages are framed by their document's allowed origins; this process's own connection
  // to the database (WAL) answers that before Next renders the page.
  let storage: Promise<Storage> | undefined;
  const allowedOrigins = async (id: string) => (await (storage ??= openStorage({ sqliteFile: config.databaseFile }))).embeds.settings(id).then((s) => s.allowedOrigins);
  handle = withEmbedFraming(app.getRequestHandler(), allowedOrigins);
  const port = await web.listen(config.port, config.host);
  console.log(`[web] ${dev ? 'development' : 'production'} server listening on ${web.protocol}://${config.host ?? 'localhost'}:${port}; open ${config.appOrigin}`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(0), 8000);
    force.unref();
    await web.close();
    await app.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((err) => {
  console.error(`web app failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
