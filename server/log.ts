import pino, { type Logger } from 'pino';

/**
 * Structured logs. Fields: `conn` (connection id), `doc` (document id), `user`, `ip` (client
 * address, by the `TRUST_PROXY` rule of lib/http/client-ip.ts); never document
 * content or awareness payloads.
 */
export function createLogger(level: string): Logger {
  return pino({ level, base: { svc: 'collab' } });
}
