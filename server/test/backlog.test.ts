import fs from 'node:fs';
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, testConfig } from './helpers';
import { startServerProcess, type ServerProcess } from './process';

let server: ServerProcess | undefined;
const sockets: net.Socket[] = [];
afterAll(() => {
  sockets.forEach((s) => s.destroy());
  if (server) {
    server.child.kill('SIGCONT');
    server.child.kill('SIGKILL');
  }
});

/** Connections the kernel completes for a listener that does not accept them, within `ms`. */
async function connectedWithin(port: number, n: number, ms: number): Promise<number> {
  let connected = 0;
  for (let i = 0; i < n; i++) {
    const s = net.connect(port, '127.0.0.1', () => connected++);
    s.on('error', () => {});
    sockets.push(s);
  }
  await new Promise((r) => setTimeout(r, ms));
  return connected;
}

describe('listen backlog', () => {
  it('queues a reconnect storm in the kernel instead of dropping SYNs while the server is busy', async () => {
    // The kernel caps the backlog at net.core.somaxconn; the test needs room for its burst.
    const somaxconn = Number(fs.readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
    expect(somaxconn, 'net.core.somaxconn must be at least 1,600 for this test').toBeGreaterThanOrEqual(1600);
    const config = testConfig();
    server = await startServerProcess({ DATA_DIR: config.dataDir, APP_ORIGIN: config.appOrigin }, await freePort());
    // A stopped process accepts nothing, like an event loop busy with a burst: the handshakes
    // complete only while the listen queue has room. With Node's default backlog (511), the
    // rest are dropped and their clients retry after a second.
    server.child.kill('SIGSTOP');
    try {
      expect(await connectedWithin(server.port, 1500, 700)).toBe(1500);
    } finally {
      server.child.kill('SIGCONT');
    }
  });
});
