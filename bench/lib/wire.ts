import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/**
 * The bench's own minimal y-protocols codec. Two dialects: `y` is the y-websocket framing
 * (Tandem, the y-websocket server, the raw relay); `hocus` prefixes every message with the
 * document name and needs an Auth message first (Hocuspocus 2+).
 */
export type Dialect = 'y' | 'hocus';

export const MSG_SYNC = 0;
export const MSG_AWARENESS = 1;
export const MSG_AUTH = 2;
export const MSG_HOCUS_SYNC_REPLY = 4;
export const MSG_HOCUS_SYNC_STATUS = 8;
export const MSG_TANDEM_ACK = 100;
export const MSG_TANDEM_ROLE = 101;
export const SYNC_STEP1 = 0;
export const SYNC_STEP2 = 1;
export const SYNC_UPDATE = 2;

function start(dialect: Dialect, doc: string): encoding.Encoder {
  const e = encoding.createEncoder();
  if (dialect === 'hocus') encoding.writeVarString(e, doc);
  return e;
}

export function encodeSync(dialect: Dialect, doc: string, sub: number, payload: Uint8Array): Uint8Array {
  const e = start(dialect, doc);
  encoding.writeVarUint(e, MSG_SYNC);
  encoding.writeVarUint(e, sub);
  encoding.writeVarUint8Array(e, payload);
  return encoding.toUint8Array(e);
}

/** Hocuspocus's token auth message (the server has no onAuthenticate hook, any token passes). */
export function encodeHocusAuth(doc: string, token: string): Uint8Array {
  const e = start('hocus', doc);
  encoding.writeVarUint(e, MSG_AUTH);
  encoding.writeVarUint(e, 0);
  encoding.writeVarString(e, token);
  return encoding.toUint8Array(e);
}

export type Incoming =
  | { kind: 'step1'; sv: Uint8Array }
  | { kind: 'step2'; update: Uint8Array }
  | { kind: 'update'; update: Uint8Array }
  | { kind: 'ack'; n: number }
  | { kind: 'sync-status' }
  | { kind: 'other'; type: number };

/** Decodes one frame from the server; throws on garbage (the bench counts that as an error). */
export function decodeIncoming(dialect: Dialect, frame: Uint8Array): Incoming {
  const d = decoding.createDecoder(frame);
  if (dialect === 'hocus') decoding.readVarString(d);
  const type = decoding.readVarUint(d);
  switch (type) {
    case MSG_SYNC:
    case MSG_HOCUS_SYNC_REPLY: {
      const sub = decoding.readVarUint(d);
      const payload = decoding.readVarUint8Array(d);
      if (sub === SYNC_STEP1) return { kind: 'step1', sv: payload };
      if (sub === SYNC_STEP2) return { kind: 'step2', update: payload };
      if (sub === SYNC_UPDATE) return { kind: 'update', update: payload };
      throw new Error(`unknown sync message ${sub}`);
    }
    case MSG_TANDEM_ACK:
      return dialect === 'y' ? { kind: 'ack', n: decoding.readVarUint(d) } : { kind: 'other', type };
    case MSG_HOCUS_SYNC_STATUS:
      return dialect === 'hocus' ? { kind: 'sync-status' } : { kind: 'other', type };
    default:
      return { kind: 'other', type };
  }
}

/**
 * Identifies a Yjs v1 update by its first struct's (client, clock) without decoding it:
 * `varUint(clients) • varUint(structs) • varUint(client) • varUint(clock) …`. Every update a
 * bench writer sends starts a new clock range, so the key is unique per update.
 */
export function updateKey(update: Uint8Array): string {
  const d = decoding.createDecoder(update);
  const clients = decoding.readVarUint(d);
  if (clients === 0) return 'empty';
  decoding.readVarUint(d);
  const client = decoding.readVarUint(d);
  const clock = decoding.readVarUint(d);
  return `${client}:${clock}`;
}

/** For the raw relay: the frame is forwarded verbatim, so the update sits inside a sync message. */
export function updateOfFrame(dialect: Dialect, frame: Uint8Array): Uint8Array | undefined {
  const m = decodeIncoming(dialect, frame);
  return m.kind === 'update' || m.kind === 'step2' ? m.update : undefined;
}
