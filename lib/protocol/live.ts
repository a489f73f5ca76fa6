/**
 * Events of the collaboration server's live stream (`GET /live`, Server-Sent Events), which
 * keeps document lists current. The grammar is in `server/PROTOCOL.md`; keep the two in step.
 */

/** Someone in a document, as the list shows them. */
export interface LivePerson {
  id: string;
  name: string;
  color: string;
  idle: boolean;
}

export type LiveEvent =
  /** Who is in the document now (empty when the last person left). */
  | { type: 'presence'; documentId: string; people: LivePerson[] }
  /** The document was renamed. */
  | { type: 'title'; documentId: string; title: string }
  /** The account gained or lost access to the document (or it was deleted): fetch the list again. */
  | { type: 'access'; documentId: string };

/** The path of the live stream on the collaboration server. */
export const LIVE_PATH = '/live';

/** `ws://host:port` → `http://host:port/live`, `wss` → `https`. */
export function liveUrl(collabUrl: string): string {
  const u = new URL(collabUrl);
  u.protocol = u.protocol === 'wss:' ? 'https:' : 'http:';
  u.pathname = LIVE_PATH;
  u.search = '';
  return u.href;
}
