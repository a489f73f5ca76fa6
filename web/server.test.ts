import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { CLIENT_IP_HEADER, parseTrustProxy, trustedClientIp } from '../lib/http/client-ip';
import { makeCertificate } from '../test/certs';
import { createWebServer, type RequestHandler, type WebServer } from './server';

const cert = makeCertificate();
const servers: WebServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close(0)));
});

/** Answers with what a route handler would see of the client address. */
const echo: RequestHandler = async (req, res) => {
  const raw = req.rawHeaders.filter((_, i) => i % 2 === 0 && req.rawHeaders[i].toLowerCase() === CLIENT_IP_HEADER);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
  const body = JSON.stringify({ header: req.headers[CLIENT_IP_HEADER], rawCopies: raw.length, trusted: trustedClientIp(headers), encrypted: !!(req.socket as tls.TLSSocket).encrypted });
  // A length, not chunks, so rawRequest can read the body as is.
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
};

async function start(o: { tls?: boolean; trust?: string; handle?: RequestHandler }) {
  const s = createWebServer({
    tls: o.tls ? { certFile: cert.certFile, keyFile: cert.keyFile } : undefined,
    trustProxy: parseTrustProxy(o.trust ?? '0')!,
    handle: o.handle ?? echo,
    onError: () => {},
  });
  servers.push(s);
  return { s, port: await s.listen(0, '127.0.0.1') };
}

/** Sends raw header lines (so duplicates and odd casing reach the server as written). */
function rawRequest(port: number, headerLines: string[], o: { tls?: boolean; from?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const tcp = net.connect({ host: '127.0.0.1', port, localAddress: o.from });
    const socket: net.Socket = o.tls ? tls.connect({ socket: tcp, servername: 'localhost', ca: cert.cert }) : tcp;
    let data = '';
    socket.on(o.tls ? 'secureConnect' : 'connect', () => socket.write(['GET / HTTP/1.1', 'Host: localhost', 'Connection: close', ...headerLines, '', ''].join('\r\n')));
    socket.on('data', (d) => (data += d));
    socket.on('end', () => resolve(data.slice(data.indexOf('\r\n\r\n') + 4)));
    socket.on('error', reject);
  });
}

describe('the web server', () => {
  it('serves https with the configured certificate, verified by a client that trusts it', async () => {
    const { s, port } = await start({ tls: true });
    expect(s.protocol).toBe('https');
    const body = await new Promise<string>((resolve, reject) => {
      https
        .get({ host: '127.0.0.1', port, servername: 'localhost', ca: cert.cert, path: '/' }, (res) => {
          let b = '';
          res.on('data', (d) => (b += d));
          res.on('end', () => resolve(b));
        })
        .on('error', reject);
    });
    expect(JSON.parse(body)).toMatchObject({ encrypted: true, header: '127.0.0.1' });
    // Without trusting the self-signed certificate, the handshake fails.
    await expect(new Promise((resolve, reject) => https.get({ host: '127.0.0.1', port, path: '/' }, resolve).on('error', reject))).rejects.toThrow(/self[- ]signed/i);
  });

  it('serves plain http when no certificate is configured', async () => {
    const { s, port } = await start({});
    expect(s.protocol).toBe('http');
    expect(JSON.parse(await rawRequest(port, []))).toMatchObject({ encrypted: false, header: '127.0.0.1' });
  });

  it('replaces every client copy of the client-address header, in parsed and raw headers', async () => {
    const { port } = await start({ tls: true });
    const got = JSON.parse(
      await rawRequest(port, ['X-Tandem-Client-IP: 198.51.100.1', 'x-tandem-client-ip: 198.51.100.2', 'X-Forwarded-For: 198.51.100.3'], { tls: true, from: '127.0.0.21' }),
    );
    expect(got).toEqual({ header: '127.0.0.21', rawCopies: 1, trusted: '127.0.0.21', encrypted: true });
  });

  it('takes the address from X-Forwarded-For only as TRUST_PROXY allows', async () => {
    const hops = await start({ trust: '1' });
    const list = await start({ trust: '127.0.0.22' });
    const xff = ['X-Forwarded-For: 6.6.6.6', 'X-Forwarded-For: 203.0.113.4'];
    expect(JSON.parse(await rawRequest(hops.port, xff, { from: '127.0.0.23' })).header).toBe('203.0.113.4');
    expect(JSON.parse(await rawRequest(list.port, xff, { from: '127.0.0.22' })).header).toBe('203.0.113.4');
    // Not from the listed proxy: the peer itself.
    expect(JSON.parse(await rawRequest(list.port, xff, { from: '127.0.0.24' })).header).toBe('127.0.0.24');
  });

  it('answers 500 when the handler throws before responding, and keeps serving', async () => {
    let fail = true;
    const { port } = await start({
      handle: async (req, res) => {
        if (fail) throw new Error('boom');
        await echo(req, res);
      },
    });
    const status = () => new Promise<number>((resolve, reject) => http.get({ host: '127.0.0.1', port, path: '/' }, (res) => resolve(res.statusCode!)).on('error', reject));
    expect(await status()).toBe(500);
    fail = false;
    expect(await status()).toBe(200);
  });

  it('keeps an idle keep-alive connection open past Node\'s 5 s default, so a client reusing it is answered', async () => {
    const { port } = await start({});
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = () =>
      new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
        const req = http.get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode!, reused: req.reusedSocket }));
        });
        req.on('error', reject);
      });
    expect(await get()).toEqual({ status: 200, reused: false });
    // Longer than Node's default keepAliveTimeout (5 s; it closed the connection by 6.5 s here).
    await new Promise((r) => setTimeout(r, 7000));
    expect(await get()).toEqual({ status: 200, reused: true });
    agent.destroy();
  }, 15_000);
});
