import { configOrExit } from '../lib/config';
import { openStorage } from '../lib/storage';
import { startCollabServer } from './app';
import { createLogger } from './log';

/** Entry point of the collaboration server process (`npm run start:server`). */
async function main() {
  const config = configOrExit();
  const log = createLogger(config.logLevel);
  const storage = await openStorage({ target: config.storage });
  const server = await startCollabServer({ config, storage, log, prestartWorkers: true });
  log.info({ port: server.port, origins: config.allowedOrigins, tls: !!config.tls }, `collaboration server listening on port ${server.port}${config.tls ? ' (wss)' : ''}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await server.close();
    await storage.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  console.error(`collaboration server failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
