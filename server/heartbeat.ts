/** A connection that can be kept alive and checked for life. */
export interface Beating {
  lastSentAt: number;
  /** Sends a no-op frame the client's watchdog counts as traffic. */
  beat(): void;
  /** Sends a ping; returns false (and drops the connection) if the last ping got no pong. */
  probe(): boolean;
}

export interface HeartbeatOptions {
  /** A connection sent nothing for this long gets a no-op frame. */
  quietMs: number;
  /** Every this often each connection is pinged; one unanswered ping means it is dead. */
  pingMs: number;
}

/**
 * The y-websocket client drops a socket that hears nothing for 30 s, so idle but healthy
 * clients get a no-op frame (an empty awareness update) after `quietMs` of silence. Peers that
 * vanished without closing (laptop lid, dead network) stop answering pings and are reaped.
 */
export function startHeartbeat(connections: Set<Beating>, o: HeartbeatOptions): () => void {
  const quiet = setInterval(() => {
    const now = Date.now();
    for (const c of connections) if (now - c.lastSentAt >= o.quietMs) c.beat();
  }, Math.max(100, Math.floor(o.quietMs / 3)));
  const ping = setInterval(() => {
    for (const c of connections) c.probe();
  }, o.pingMs);
  quiet.unref();
  ping.unref();
  return () => {
    clearInterval(quiet);
    clearInterval(ping);
  };
}
