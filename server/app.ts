import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Config } from '../lib/config';
import { readTlsCredentials } from '../lib/config/tls';
import { clientIp } from '../lib/http/client-ip';
import { CloseCode, assertNever } from '../lib/protocol';
import type { Storage } from '../lib/storage';
import { CompactionScheduler } from './compaction/scheduler';
import { CompactionWorker } from './compaction/worker-client';
import { AccessWatcher } from './access-watch';
import { startHeartbeat } from './heartbeat';
import { ConnectionCaps } from './limits';
import { createMetrics, type Metrics, type RejectReason } from './metrics';
import { RoomRegistry } from './rooms';
import { authorizeUpgrade } from './upgrade';
import { SocketPeer } from './ws-adapter';
import { AppendWorker } from './append-client';
import { UpdateWriter } from './writer';

export interface CollabServerOptions {
  config: Config;
  storage: Storage;
  log: Logger;
  /** Port to listen on; 0 picks a free one. Defaults to `config.collabPort`. */
  port?: number;
  /** Silence after which a connection gets a no-op frame (default 10 s). */
  heartbeatMs?: number;
  /** Interval of liveness pings; a connection that misses one is dropped (default 30 s). */
  pingMs?: number;
  /** How often access changes are picked up (default 100 ms). */
  accessPollMs?: number;
  /** How often live sessions are re-checked for expiry (default 30 s). */
  sessionCheckMs?: number;
}

export interface CollabServer {
  readonly port: number;
  /** Plain http, or https when `config.tls` is set (then sockets are wss and endpoints https). */
  readonly http: Server | HttpsServer;
  readonly rooms: RoomRegistry;
  readonly metrics: Metrics;
  /** Background compaction of update logs; `stats` feeds metrics. */
  readonly compaction: CompactionScheduler;
  /**
   * Graceful stop (SIGTERM): refuses new connections, makes every applied update durable and
   * acknowledges it, then closes sockets with 1012 so clients reconnect elsewhere or later.
   */
  close(): Promise<void>;
}

type Phase = { kind: 'running' } | { kind: 'draining' } | { kind: 'closed' };

/** Composes the collaboration server: HTTP endpoints, upgrade checks, limits, rooms, storage. */
export async function startCollabServer(o: CollabServerOptions): Promise<CollabServer> {
  const { config, storage, log } = o;
  let phase: Phase = { kind: 'running' };
  const peers = new Set<SocketPeer>();
  const caps = new ConnectionCaps(config.limits);
  const compaction = new CompactionScheduler({
    afterUpdates: config.compactAfterUpdates,
    afterBytes: config.compactAfterBytes,
    // The worker opens its own connection to the same file (WAL: it reads and writes while we do).
    compactor: new CompactionWorker({ sqliteFile: config.databaseFile }),
    log,
  });
  // Commits (and their fsync) run in a worker thread so they never stall the sockets.
  const appender = new AppendWorker(config.databaseFile);
  await appender.start();
  const writer = new UpdateWriter({ updates: appender }, {
    onCommitted: (entries) => {
      metrics.logRows.inc(entries.length);
      metrics.logCommits.observe(entries.length);
      compaction.noteAppended(entries);
    },
  });
  const rooms = new RoomRegistry(storage, writer, log, {
    unloadDelayMs: config.roomUnloadDelayMs,
    tails: compaction,
    observer: { updateApplied: () => metrics.updates.inc(), acked: (s) => metrics.ackLatency.observe(s) },
  });
  const metrics = createMetrics({ connections: () => peers.size, rooms: () => rooms.openRooms, compaction: () => compaction.stats });
  const access = new AccessWatcher({
    storage,
    log,
    peers: () => peers,
    sessionIdleMs: config.sessionIdleMs,
    pollMs: o.accessPollMs,
    sessionCheckMs: o.sessionCheckMs,
  });
  await access.start();
  const stopHeartbeat = startHeartbeat(peers, { quietMs: o.heartbeatMs ?? 10_000, pingMs: o.pingMs ?? 30_000 });
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.maxMessageBytes, perMessageDeflate: false });

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') {
      res.writeHead(405, { 'content-type': 'text/plain', allow: 'GET' }).end('method not allowed\n');
      return;
    }
    switch (path) {
      case '/healthz':
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
        return;
      case '/readyz': {
        const ready = phase.kind === 'running';
        res.writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' }).end(ready ? 'ready\n' : `${phase.kind}\n`);
        return;
      }
      case '/metrics':
        metrics.registry.metrics().then(
          (body) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body),
          () => res.writeHead(500).end(),
        );
        return;
      default:
        res.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' }).end('This is the Tandem collaboration server; connect with a WebSocket.\n');
    }
  };
  // Same handlers either way: `ws` upgrades an https request exactly like an http one.
  const http = config.tls ? createHttpsServer(readTlsCredentials(config.tls), onRequest) : createServer(onRequest);

  /** Completes the handshake and closes at once, so the browser sees the code (not 1006). */
  const refuse = (ws: WebSocket, ip: string, code: number, reason: string, label: RejectReason) => {
    metrics.rejected.inc({ reason: label });
    log.info({ code, reason, ip }, 'connection refused');
    ws.close(code, reason);
  };

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    // For logs only, by the same rule (TRUST_PROXY) as the web app's rate limits.
    const ip = clientIp(req.socket.remoteAddress, req.headers['x-forwarded-for'], config.trustProxy);
    if (phase.kind !== 'running') {
      wss.handleUpgrade(req, socket, head, (ws) => refuse(ws, ip, CloseCode.ServiceRestart, 'server restarting', 'shutting_down'));
      return;
    }
    authorizeUpgrade(req, { storage, config }).then(
      (decision) => {
        if (socket.destroyed) return;
        wss.handleUpgrade(req, socket, head, (ws) => {
          if (decision.kind === 'reject') return refuse(ws, ip, decision.code, decision.reason, decision.label);
          const admitted = caps.admit(decision.identity.userId, decision.documentId);
          if (!admitted.ok) {
            const what = admitted.reason === 'user' ? 'too many connections for this account' : 'too many people in this document';
            return refuse(ws, ip, CloseCode.TooManyConnections, what, admitted.reason === 'user' ? 'user_cap' : 'document_cap');
          }
          const peer = new SocketPeer(ws, decision, {
            rooms,
            log,
            metrics,
            config,
            onGone: (p) => {
              peers.delete(p);
              caps.release(p.userId, p.documentId);
            },
          });
          peers.add(peer);
          log.debug({ conn: peer.id, doc: decision.documentId, user: decision.identity.userId, ip }, 'connection accepted');
        });
      },
      (err) => {
        log.error({ err, ip }, 'upgrade authorization failed');
        socket.destroy();
      },
    );
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(o.port ?? config.collabPort, config.host, () => resolve());
  });
  const port = (http.address() as AddressInfo).port;

  return {
    port,
    http,
    rooms,
    metrics,
    compaction,
    async close() {
      switch (phase.kind) {
        case 'running':
          break;
        case 'draining':
        case 'closed':
          return;
        default:
          assertNever(phase);
      }
      phase = { kind: 'draining' };
      access.stop();
      http.close();
      // Acknowledge what is in flight before closing, so clients do not resend it needlessly.
      await writer.drain();
      // Before rooms unload, so they do not start compactions; one already running is
      // abandoned, which is safe at any point, and picked up again after the restart.
      await compaction.close();
      await rooms.closeAll(CloseCode.ServiceRestart, 'server restarting');
      await writer.drain();
      await appender.close();
      stopHeartbeat();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      http.closeAllConnections();
      phase = { kind: 'closed' };
    },
  };
}
