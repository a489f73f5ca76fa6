import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TlsFiles } from '../lib/config';
import { readTlsCredentials } from '../lib/config/tls';
import { CLIENT_IP_HEADER, announceClientIpHeader, clientIp, type TrustProxy } from '../lib/http/client-ip';

/**
 * The web app's HTTP(S) server, without Next itself (main.ts plugs Next's request handler in),
 * so the parts Tandem owns — TLS and the client address — are tested on their own.
 */

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface WebServerOptions {
  /** Serve https with this certificate; plain http when undefined. */
  tls: TlsFiles | undefined;
  trustProxy: TrustProxy;
  handle: RequestHandler;
  /** Where errors the handler did not answer go (default: console.error). */
  onError?: (err: unknown, req: IncomingMessage) => void;
}

export interface WebServer {
  readonly server: http.Server | https.Server;
  readonly protocol: 'http' | 'https';
  /** Starts listening; resolves with the port (useful with 0). */
  listen(port: number, host?: string): Promise<number>;
  /** Stops accepting, lets requests in flight finish for up to `graceMs`, then drops the rest. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Replaces whatever a client sent in {@link CLIENT_IP_HEADER} with the address computed by the
 * `TRUST_PROXY` rule, in both the parsed and the raw headers, so nothing downstream can read a
 * client's copy. Returns the address.
 */
export function stampClientIp(req: IncomingMessage, trust: TrustProxy): string {
  const ip = clientIp(req.socket.remoteAddress, req.headers['x-forwarded-for'], trust);
  req.headers[CLIENT_IP_HEADER] = ip;
  const raw: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i].toLowerCase() !== CLIENT_IP_HEADER) raw.push(req.rawHeaders[i], req.rawHeaders[i + 1]);
  }
  raw.push(CLIENT_IP_HEADER, ip);
  req.rawHeaders = raw;
  return ip;
}

/** How long an idle keep-alive connection stays open (see createWebServer). */
const KEEP_ALIVE_MS = 65_000;

export function createWebServer(o: WebServerOptions): WebServer {
  // Route handlers in this process may now believe the header (see trustedClientIp).
  announceClientIpHeader();
  const onError = o.onError ?? ((err, req) => console.error('unhandled error serving', req.method, req.url, err));
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    stampClientIp(req, o.trustProxy);
    o.handle(req, res).catch((err: unknown) => {
      onError(err, req);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error\n');
      else res.destroy();
    });
  };
  const server = o.tls ? https.createServer(readTlsCredentials(o.tls), onRequest) : http.createServer(onRequest);
  // Idle keep-alive connections stay open for a minute, not Node's 5 s: a client that sends its
  // next request on a connection just as the server closes it gets ECONNRESET (an e2e run hit
  // it in Playwright's request context after a pause of about 5 s), and clients, proxies and
  // load balancers keep idle connections for a minute or more. The headers timeout must be
  // longer than the keep-alive timeout, or a slow first line on a reused connection is cut.
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1000;
  return {
    server,
    protocol: o.tls ? 'https' : 'http',
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      });
    },
    close(graceMs = 5000) {
      return new Promise((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
    },
  };
}
