/**
 * WebSocket close codes used by the collaboration server, in one place for server and client.
 * The y-websocket client treats 4400–4499 as final (no reconnect) and retries everything else.
 */
export const CloseCode = {
  /** Server shutting down or restarting; reconnect. */
  ServiceRestart: 1012,
  /** A frame did not follow the protocol (bad varint, invalid update, unknown type). */
  InvalidData: 1007,
  /** A text frame: the protocol is binary only. */
  UnsupportedData: 1003,
  /** A frame larger than the configured maximum. */
  MessageTooBig: 1009,
  /** Over a rate limit (messages or bytes per second, or frames before sync); reconnect later. */
  PolicyViolation: 1008,
  /** Unexpected server-side failure; reconnect. */
  InternalError: 1011,
  /** No session cookie, or the session expired or was revoked. Final. */
  Unauthorized: 4401,
  /** The account has no access to the document, or the Origin is not allowed. Final. */
  Forbidden: 4403,
  /** No such document (never existed, or deleted). Final. */
  NotFound: 4404,
  /** Too many connections for this account or this document. Final: close other tabs first. */
  TooManyConnections: 4429,
} as const;

export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode];

/** Close codes after which a client must not reconnect on its own. */
export function isFinalClose(code: number): boolean {
  return code >= 4400 && code < 4500;
}
