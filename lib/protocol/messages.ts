/**
 * Wire message types of the y-websocket protocol plus Tandem's opt-in extensions.
 * The grammar lives in `server/PROTOCOL.md`; keep the two in step.
 */

/** First varUint of every binary frame. */
export const MessageType = {
  Sync: 0,
  Awareness: 1,
  Auth: 2,
  QueryAwareness: 3,
  /** Tandem extension: durable acknowledgement, sent only to clients that opted in. */
  Ack: 100,
  /** Tandem extension: the connection's role on the document, on join and whenever it changes. */
  Role: 101,
  /** Tandem extension: a one-time ticket for the next socket of an embed session without a cookie. */
  Ticket: 102,
  /** Tandem extension: the document's title, whenever someone renames it. */
  Title: 103,
} as const;

/** Second varUint of a Sync message. */
export const SyncType = {
  Step1: 0,
  Step2: 1,
  Update: 2,
} as const;

/** Second varUint of an Auth message (y-protocols/auth). */
export const AuthType = {
  PermissionDenied: 0,
} as const;

/** Query parameter with which a client opts in to Tandem's extensions (ack, role, title): `?tandem=1`. */
export const EXTENSIONS_PARAM = 'tandem';

/** Query parameter of an embedded frame's socket (`?embed=1`): it authenticates with an embed session, never an account cookie. */
export const EMBED_PARAM = 'embed';

/** Subprotocol every embed socket offers and the server selects; the ticket rides in a second one. */
export const EMBED_SUBPROTOCOL = 'tandem.embed';
/** Prefix of the subprotocol that carries a one-time ticket: `tandem.ticket.<ticket>` (never selected, never echoed). */
export const TICKET_SUBPROTOCOL_PREFIX = 'tandem.ticket.';

/** A decoded frame. Discriminated on `type`; every switch over it must be exhaustive. */
export type Message =
  | { type: 'sync-step1'; stateVector: Uint8Array }
  | { type: 'sync-step2'; update: Uint8Array }
  | { type: 'sync-update'; update: Uint8Array }
  | { type: 'awareness'; update: Uint8Array }
  | { type: 'query-awareness' }
  | { type: 'auth-denied'; reason: string }
  | { type: 'ack'; count: number }
  | { type: 'role'; role: string }
  | { type: 'ticket'; ticket: string }
  | { type: 'title'; title: string };

/** For the `default` branch of an exhaustive switch. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}

/** True for the messages that carry document content (and so are acknowledged). */
export function carriesUpdate(m: Message): m is Extract<Message, { update: Uint8Array }> & { type: 'sync-step2' | 'sync-update' } {
  return m.type === 'sync-step2' || m.type === 'sync-update';
}
