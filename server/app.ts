import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { Config } from '../lib/config';
import { readTlsCredentials } from '../lib/config/tls';
import { clientIp } from '../lib/http/client-ip';
import { CloseCode, EMBED_SUBPROTOCOL, assertNever, encodeMessage } from '../lib/protocol';
import { LIVE_PATH } from '../lib/protocol/live';
import type { Storage } from '../lib/storage';
import { CompactionScheduler } from './compaction/scheduler';
import { CompactionWorker } from './compaction/worker-client';
import { AccessWatcher } from './access-watch';
import { RedisBus } from './cluster/bus';
import { Cluster } from './cluster/cluster';
import { LockedCompactor } from './cluster/compaction-lock';
import { LiveHub } from './live';
import { startHeartbeat } from './heartbeat';
import { ConnectionCaps, rateSpec } from './limits';
import { createMetrics, type Metrics, type RejectReason } from './metrics';
import { RoomRegistry } from './rooms';
import { authorizeUpgrade } from './upgrade';
import { PeerSocket, guardUpgrade, settleCloses } from './peer-socket';
import { SocketPeer, type AdapterContext, type Admitted } from './ws-adapter';
import { VersionRecorder } from './versions';
import { AppendWorker } from './append-client';
import { UpdateWriter } from './writer';

/**
 * Connections the kernel may queue before the server accepts them. Node's default, 511, is
 * too few when thousands of clients reconnect at once (after a deploy, say): the kernel drops
 * the SYNs that do not fit and each of those clients waits a second or more to retry. 6,400
 * drops in three rounds of 5,000 reconnects (bench reconnect-5k). Linux caps it at
 * net.core.somaxconn (4096 by default since 5.4).
 */
const LISTEN_BACKLOG = 4096;

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
  /**
   * Boot the compaction worker at start instead of at the first compaction. A production server
   * does (server/main.ts): booting a worker costs about half a second of CPU, better paid
   * before serving than in the middle of a busy document's edits. Tests leave it lazy.
   */
  prestartWorkers?: boolean;
}

export interface CollabServer {
  readonly port: number;
  /** Plain http, or https when `config.tls` is set (then sockets are wss and endpoints https). */
  readonly http: Server | HttpsServer;
  readonly rooms: RoomRegistry;
  readonly metrics: Metrics;
  /** Background compaction of update logs; `stats` feeds metrics. */
  readonly compaction: CompactionScheduler;
  /** The link to other collaboration servers when `config.redisUrl` is set. */
  readonly cluster: Cluster | undefined;
  /** Presence and renames for document lists (`GET /live`). */
  readonly live: LiveHub;
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
  const bus = config.redisUrl ? new RedisBus(config.redisUrl, log) : undefined;
  // With several servers, document lists show presence from all of them (see PresenceRelay).
  const cluster = bus ? new Cluster(bus, log, (documentId, people) => live.setPresence(documentId, people)) : undefined;
  // The worker opens its own connection to the same database (SQLite's WAL: it reads and writes while we do).
  const worker = new CompactionWorker({ target: config.storage });
  const compaction = new CompactionScheduler({
    afterUpdates: config.compactAfterUpdates,
    afterBytes: config.compactAfterBytes,
    // With several servers, one compacts a document at a time (a Redis lock).
    compactor: bus ? new LockedCompactor(worker, bus.cmd, () => bus.ready) : worker,
    log,
  });
  // SQLite commits (and their fsync) run in a worker thread so they never stall the sockets;
  // Postgres commits are asynchronous already.
  const appender = config.storage.kind === 'sqlite' ? new AppendWorker(config.storage.file) : undefined;
  await Promise.all([appender?.start(), o.prestartWorkers ? worker.start() : undefined]);
  const versions = new VersionRecorder(storage, log, config.versions, appender);
  const writer = new UpdateWriter({ updates: appender ?? storage.updates }, {
    onCommitted: (entries) => {
      metrics.logRows.inc(entries.length);
      metrics.logCommits.observe(entries.length);
      compaction.noteAppended(entries);
    },
    // Edit marks gathered by the version recorder are stored before the edits are acknowledged.
    beforeResolve: () => versions.writeMarks(),
  });
  const live = new LiveHub({ storage, log, sessionIdleMs: config.sessionIdleMs });
  const rooms = new RoomRegistry(storage, writer, log, {
    unloadDelayMs: config.roomUnloadDelayMs,
    tails: compaction,
    observer: {
      updateApplied: (n) => metrics.updates.inc(n),
      acked: (s) => metrics.ackLatency.observe(s),
      presence: (documentId, people) => (cluster ? cluster.setPresence(documentId, people) : live.setPresence(documentId, people)),
    },
    cluster,
    versions,
  });
  await cluster?.start();
  const metrics = createMetrics({
    connections: () => peers.size,
    rooms: () => rooms.openRooms,
    compaction: () => compaction.stats,
    cluster: cluster && bus ? () => ({ stats: cluster.stats, redisUp: bus.ready }) : undefined,
  });
  const access = new AccessWatcher({
    storage,
    log,
    peers: () => peers,
    sessionIdleMs: config.sessionIdleMs,
    pollMs: o.accessPollMs,
    sessionCheckMs: o.sessionCheckMs,
    onContent: (documentId) => rooms.refresh(documentId),
    listener: {
      async renamed(documentId) {
        const doc = await storage.documents.find(documentId);
        if (!doc) return;
        rooms.openRoom(documentId)?.announceTitle(doc.title);
        live.renamed(documentId, doc.title);
      },
      accessChanged: (documentId) => live.accessChanged(documentId),
      sessionsEnded: (match) => live.sessionsEnded(match),
      checkSessions: () => live.checkSessions(),
    },
  });
  await access.start();
  const stopHeartbeat = startHeartbeat(peers, { quietMs: o.heartbeatMs ?? 10_000, pingMs: o.pingMs ?? 30_000 });
  const wss = new WebSocketServer({
    noServer: true,
    WebSocket: PeerSocket,
    maxPayload: config.maxMessageBytes,
    perMessageDeflate: false,
    // Embed sockets offer `tandem.embed` (selected) and may offer a ticket subprotocol, which is never echoed.
    handleProtocols: (protocols) => (protocols.has(EMBED_SUBPROTOCOL) ? EMBED_SUBPROTOCOL : false),
  });

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === LIVE_PATH && req.method === 'GET' && phase.kind === 'running') {
      live.handle(req, res, config).catch((err) => {
        log.error({ err }, 'live stream failed');
        if (!res.headersSent) res.writeHead(500).end();
        else res.end();
      });
      return;
    }
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
  const refuse = (ws: PeerSocket, ip: string, code: number, reason: string, label: RejectReason) => {
    metrics.rejected.inc({ reason: label });
    log.info({ code, reason, ip }, 'connection refused');
    ws.close(code, reason);
  };
  // One for all connections: a closure per connection would keep its upgrade request alive.
  const adapter: AdapterContext = {
    rooms,
    log,
    metrics,
    config,
    rate: rateSpec(config.limits, config.maxMessageBytes),
    onGone: (p) => {
      peers.delete(p);
      caps.release(p.userId, p.documentId);
    },
  };
  const accept = (ws: PeerSocket, accepted: Admitted, ip: string) => {
    const admitted = caps.admit(accepted.identity.userId, accepted.documentId);
    if (!admitted.ok) {
      const what = admitted.reason === 'user' ? 'too many connections for this account' : 'too many people in this document';
      return refuse(ws, ip, CloseCode.TooManyConnections, what, admitted.reason === 'user' ? 'user_cap' : 'document_cap');
    }
    const peer = new SocketPeer(ws, accepted, adapter);
    peers.add(peer);
    if (accepted.nextTicket && accepted.extensions) peer.send(encodeMessage({ type: 'ticket', ticket: accepted.nextTicket }));
    log.debug({ conn: peer.id, doc: accepted.documentId, user: accepted.identity.userId, ip }, 'connection accepted');
  };

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    guardUpgrade(socket);
    // Now: once the client hangs up, the address is gone. For logs only, by the same rule
    // (TRUST_PROXY) as the web app's rate limits.
    const ip = clientIp(req.socket.remoteAddress, req.headers['x-forwarded-for'], config.trustProxy);
    if (phase.kind !== 'running') {
      wss.handleUpgrade(req, socket, head, (ws) => refuse(ws, ip, CloseCode.ServiceRestart, 'server restarting', 'shutting_down'));
      return;
    }
    // Nothing made here outlives the handshake: the peer copies what it needs from the decision.
    authorizeUpgrade(req, { storage, config }).then(
      (decision) => {
        if (socket.destroyed) return;
        wss.handleUpgrade(req, socket, head, (ws) =>
          decision.kind === 'reject' ? refuse(ws, ip, decision.code, decision.reason, decision.label) : accept(ws, decision, ip),
        );
      },
      (err) => {
        log.error({ err, ip }, 'upgrade authorization failed');
        socket.destroy();
      },
    );
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen({ port: o.port ?? config.collabPort, host: config.host, backlog: LISTEN_BACKLOG }, () => resolve());
  });
  const port = (http.address() as AddressInfo).port;

  return {
    port,
    http,
    rooms,
    metrics,
    compaction,
    cluster,
    live,
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
      await versions.close();
      await cluster?.close();
      // Last: every write above has been committed through it.
      await appender?.close();
      stopHeartbeat();
      // Give the close frames a moment to go out and be answered: terminating at once can
      // drop a frame still in the socket's buffer, and the client would see 1006, not 1012.
      await settleCloses(wss, 1000);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      http.closeAllConnections();
      phase = { kind: 'closed' };
    },
  };
}
