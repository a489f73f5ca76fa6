import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CompactionStats } from './compaction/scheduler';
import type { ClusterStats } from './cluster/cluster';

/** Why an upgrade was refused; the label of `tandem_rejected_connections_total`. */
export type RejectReason = 'origin' | 'session' | 'not_found' | 'forbidden' | 'user_cap' | 'document_cap' | 'shutting_down';

/**
 * The collaboration server's Prometheus metrics, on a registry of its own (several servers may
 * share a process in tests). Served at GET /metrics.
 */
export function createMetrics(gauges: {
  connections: () => number;
  rooms: () => number;
  compaction: () => CompactionStats;
  /** With Redis: the link to the other servers. */
  cluster?: () => { stats: ClusterStats; redisUp: boolean };
}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tandem_' });
  const r = [registry];
  /** A counter that follows a running total kept elsewhere. */
  const follow = (name: string, help: string, read: (s: CompactionStats) => number) => {
    let seen = 0;
    return new Counter({
      name,
      help,
      registers: r,
      collect() {
        const now = read(gauges.compaction());
        if (now > seen) this.inc(now - seen);
        seen = now;
      },
    });
  };
  /**
   * A counter bumped on every frame: a plain number added to, handed to prom-client when
   * scraped (its `inc` validates and hashes labels, a measurable part of a send's cost).
   */
  const tally = (name: string, help: string) => {
    let pending = 0;
    new Counter({ name, help, registers: r, collect() { this.inc(pending); pending = 0; } });
    return { inc: (n = 1) => void (pending += n) };
  };
  const stat = (name: string, help: string, read: (s: CompactionStats) => number) =>
    new Gauge({ name, help, registers: r, collect() { this.set(read(gauges.compaction())); } });
  return {
    compactions: follow('tandem_compactions_total', 'Compactions that saved a snapshot.', (s) => s.compactions),
    compactionFailures: follow('tandem_compaction_failures_total', 'Compactions that failed (their rows stay in the log).', (s) => s.failures),
    rowsFolded: follow('tandem_compaction_rows_folded_total', 'Update-log rows folded into snapshots.', (s) => s.rowsFolded),
    snapshotBytes: stat('tandem_compaction_last_snapshot_bytes', 'Size of the most recent snapshot.', (s) => s.lastSnapshotBytes),
    compactionSeconds: stat('tandem_compaction_last_duration_seconds', 'Duration of the most recent compaction.', (s) => s.lastDurationMs / 1000),
    compactionQueue: stat('tandem_compaction_queued', 'Documents waiting for a compaction.', (s) => s.queued),
    registry,
    connections: new Gauge({ name: 'tandem_connections', help: 'Open collaboration connections.', registers: r, collect() { this.set(gauges.connections()); } }),
    rooms: new Gauge({ name: 'tandem_rooms', help: 'Documents loaded in memory.', registers: r, collect() { this.set(gauges.rooms()); } }),
    frames: tally('tandem_frames_received_total', 'Binary frames handed to a room.'),
    updates: tally('tandem_updates_total', 'Document updates applied from clients.'),
    bytesIn: tally('tandem_bytes_received_total', 'Bytes received in WebSocket messages.'),
    bytesOut: tally('tandem_bytes_sent_total', 'Bytes sent in WebSocket messages.'),
    ackLatency: new Histogram({
      name: 'tandem_ack_latency_seconds',
      help: 'From receiving an update-bearing message to sending its durable acknowledgement.',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: r,
    }),
    logRows: new Counter({ name: 'tandem_log_rows_appended_total', help: 'Rows appended to update logs.', registers: r }),
    logCommits: new Histogram({
      name: 'tandem_log_commit_rows',
      help: 'Rows per group commit of the update log.',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
      registers: r,
    }),
    rejected: new Counter({ name: 'tandem_rejected_connections_total', help: 'Upgrades refused, by reason.', labelNames: ['reason'], registers: r }),
    closed: new Counter({ name: 'tandem_closed_connections_total', help: 'Connections closed, by close code.', labelNames: ['code'], registers: r }),
    ...(gauges.cluster ? clusterMetrics(r, gauges.cluster) : {}),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** Cluster figures (totals kept by the cluster, read when scraped). */
function clusterMetrics(r: Registry[], read: () => { stats: ClusterStats; redisUp: boolean }) {
  return {
    clusterMessages: new Gauge({
      name: 'tandem_cluster_messages',
      help: 'Messages between servers since start: published, received, gaps noticed, resyncs requested, malformed ignored.',
      labelNames: ['kind'],
      registers: r,
      collect() {
        for (const [kind, n] of Object.entries(read().stats)) this.set({ kind }, n);
      },
    }),
    redisUp: new Gauge({ name: 'tandem_cluster_redis_up', help: '1 while the connection to Redis is ready.', registers: r, collect() { this.set(read().redisUp ? 1 : 0); } }),
  };
}
