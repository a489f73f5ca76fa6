import * as decoding from 'lib0/decoding';
import { WebsocketProvider } from 'y-websocket';
import type * as Y from 'yjs';
import { EMBED_PARAM, EMBED_SUBPROTOCOL, EXTENSIONS_PARAM, MessageType, TICKET_SUBPROTOCOL_PREFIX } from '../protocol/messages';
import type { Role } from '../storage/schema';
import { SaveTracker } from './save-tracker';

export interface CollabConnection {
  provider: WebsocketProvider;
  tracker: SaveTracker;
  /** The role the server last announced for this connection (null before the first). */
  role(): Role | null;
  /** Called whenever the server announces a role (on join and when it changes). */
  onRole(fn: (role: Role) => void): () => void;
  /** Embed sockets: the one-time ticket the next connection offers (see `EmbedAuth`). */
  useTicket(ticket: string): void;
  /** Called whenever someone renames the document while it is open. */
  onTitle(fn: (title: string) => void): () => void;
  destroy(): void;
}

/**
 * An embedded frame's socket authenticates with its embed session (`?embed=1`): the session
 * cookie if the browser kept it, else the one-time `ticket`, offered as a subprotocol. The
 * server answers a ticket connection with the next ticket (`onTicket`), used on reconnect.
 */
export interface EmbedAuth {
  ticket: string;
  onTicket?: (ticket: string) => void;
}

type SocketClass = new (url: string, protocols?: string | string[]) => WebSocket;

export interface ConnectOptions {
  url: string;
  documentId: string;
  doc: Y.Doc;
  /** A `ws` class that sets Cookie and Origin, for Node clients; browsers use their WebSocket. */
  Socket?: SocketClass;
  /** Set up the tracker before connecting (e.g. mark changes kept offline as unsaved). */
  prepare?: (tracker: SaveTracker) => void;
  /** Set for an embedded frame (see {@link EmbedAuth}). */
  embed?: EmbedAuth;
}

const ticketProtocols = (ticket: string) => [EMBED_SUBPROTOCOL, TICKET_SUBPROTOCOL_PREFIX + ticket];

/**
 * Connects a document to the collaboration server with durable acknowledgements turned on.
 * Authentication is the session cookie sent with the upgrade; nothing secret is in the URL.
 */
export function connectDocument(opts: ConnectOptions): CollabConnection {
  const tracker = new SaveTracker();
  const stopObserving = tracker.observe(opts.doc);
  opts.prepare?.(tracker);
  const Base = opts.Socket ?? (globalThis.WebSocket as unknown as SocketClass);
  const provider = new WebsocketProvider(opts.url, opts.documentId, opts.doc, {
    params: opts.embed ? { [EXTENSIONS_PARAM]: '1', [EMBED_PARAM]: '1' } : { [EXTENSIONS_PARAM]: '1' },
    protocols: opts.embed ? ticketProtocols(opts.embed.ticket) : [],
    WebSocketPolyfill: tracker.socketClass(Base) as unknown as typeof WebSocket,
    // Cross-tab BroadcastChannel would let another tab's edits look local; every tab talks to the server.
    disableBc: true,
    connect: false,
  });
  const detach = tracker.attach(provider);
  let role: Role | null = null;
  const roleListeners = new Set<(role: Role) => void>();
  provider.messageHandlers[MessageType.Role] = (_enc, dec) => {
    const next = decoding.readVarString(dec) as Role;
    const promoted = role === 'viewer' && next !== 'viewer';
    role = next;
    // Changes the server refused while this was a viewer go out again with the next sync step 2.
    if (promoted && tracker.clearReadOnlyRefusal() && tracker.pending) {
      provider.disconnect();
      provider.connect();
    }
    for (const fn of roleListeners) fn(next);
  };
  provider.messageHandlers[MessageType.Ticket] = (_enc, dec) => {
    const ticket = decoding.readVarString(dec);
    provider.protocols = ticketProtocols(ticket);
    opts.embed?.onTicket?.(ticket);
  };
  const titleListeners = new Set<(title: string) => void>();
  provider.messageHandlers[MessageType.Title] = (_enc, dec) => {
    const title = decoding.readVarString(dec);
    for (const fn of titleListeners) fn(title);
  };
  provider.connect();
  return {
    provider,
    tracker,
    role: () => role,
    onRole(fn) {
      roleListeners.add(fn);
      return () => roleListeners.delete(fn);
    },
    useTicket(ticket) {
      provider.protocols = ticketProtocols(ticket);
    },
    onTitle(fn) {
      titleListeners.add(fn);
      return () => titleListeners.delete(fn);
    },
    destroy() {
      detach();
      stopObserving();
      provider.destroy();
    },
  };
}
