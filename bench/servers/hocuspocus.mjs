// @hocuspocus/server with its SQLite extension, as its docs set it up for production (a database
// file; the default debounced stores). Run by bench/node_modules/node (Hocuspocus 4 needs Node >= 22).
// Usage: hocuspocus.mjs <dataDir>; prints `READY <json>` once listening.
import path from 'node:path';
import { Server } from '@hocuspocus/server';
import { SQLite } from '@hocuspocus/extension-sqlite';

const dataDir = process.argv[2];
const server = new Server({
  port: 0,
  address: '127.0.0.1',
  quiet: true,
  stopOnSignals: true,
  extensions: [new SQLite({ database: path.join(dataDir, 'hocuspocus.sqlite') })],
});
await server.listen();
const { port } = server.httpServer.address();
process.stdout.write(`READY ${JSON.stringify({ url: `ws://127.0.0.1:${port}` })}\n`);
