import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { AuthType, MessageType, SyncType, assertNever, type Message } from './messages';

/** A frame that does not follow the grammar in `server/PROTOCOL.md`. */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** Bytes of `n` as a lib0 varUint. */
function varUintLength(n: number): number {
  let length = 1;
  for (; n > 0x7f; n = Math.floor(n / 128)) length++;
  return length;
}

/** Writes `n` as a lib0 varUint at `i` in `out`; returns the index after it. */
function writeVarUintAt(out: Uint8Array, i: number, n: number): number {
  for (; n > 0x7f; n = Math.floor(n / 128)) out[i++] = 0x80 | (n & 0x7f);
  out[i++] = n;
  return i;
}

/**
 * Tag bytes (each below 128, so one varUint byte) then `bytes` with its varUint length, in one
 * allocation of the exact size. The same bytes as lib0's encoder writes; this is the frame of
 * every relayed update, and the encoder's growable buffer plus final copy were two allocations
 * per frame on the hottest path of the server.
 */
function tagged(first: number, second: number | null, bytes: Uint8Array): Uint8Array {
  const head = second === null ? 1 : 2;
  const out = new Uint8Array(head + varUintLength(bytes.length) + bytes.length);
  out[0] = first;
  if (second !== null) out[1] = second;
  out.set(bytes, writeVarUintAt(out, head, bytes.length));
  return out;
}

/** A tag byte (below 128) then `value` as a varUint, in one allocation of the exact size. */
function tagThenVarUint(tag: number, value: number): Uint8Array {
  const out = new Uint8Array(1 + varUintLength(value));
  out[0] = tag;
  writeVarUintAt(out, 1, value);
  return out;
}

/** Encodes one message as a binary frame. */
export function encodeMessage(m: Message): Uint8Array {
  switch (m.type) {
    case 'sync-step2':
      return tagged(MessageType.Sync, SyncType.Step2, m.update);
    case 'sync-update':
      return tagged(MessageType.Sync, SyncType.Update, m.update);
    case 'awareness':
      return tagged(MessageType.Awareness, null, m.update);
    case 'ack':
      // Sent for most client updates: exact size, without an encoder and its scratch buffer.
      return tagThenVarUint(MessageType.Ack, m.count);
  }
  const e = encoding.createEncoder();
  switch (m.type) {
    case 'sync-step1':
      encoding.writeVarUint(e, MessageType.Sync);
      encoding.writeVarUint(e, SyncType.Step1);
      encoding.writeVarUint8Array(e, m.stateVector);
      break;
    case 'query-awareness':
      encoding.writeVarUint(e, MessageType.QueryAwareness);
      break;
    case 'auth-denied':
      encoding.writeVarUint(e, MessageType.Auth);
      encoding.writeVarUint(e, AuthType.PermissionDenied);
      encoding.writeVarString(e, m.reason);
      break;
    case 'role':
      encoding.writeVarUint(e, MessageType.Role);
      encoding.writeVarString(e, m.role);
      break;
    case 'ticket':
      encoding.writeVarUint(e, MessageType.Ticket);
      encoding.writeVarString(e, m.ticket);
      break;
    case 'title':
      encoding.writeVarUint(e, MessageType.Title);
      encoding.writeVarString(e, m.title);
      break;
    default:
      assertNever(m);
  }
  return encoding.toUint8Array(e);
}

function decodeSync(d: decoding.Decoder): Message {
  const sub = decoding.readVarUint(d);
  switch (sub) {
    case SyncType.Step1:
      return { type: 'sync-step1', stateVector: decoding.readVarUint8Array(d) };
    case SyncType.Step2:
      return { type: 'sync-step2', update: decoding.readVarUint8Array(d) };
    case SyncType.Update:
      return { type: 'sync-update', update: decoding.readVarUint8Array(d) };
    default:
      throw new ProtocolError(`unknown sync message type ${sub}`);
  }
}

/**
 * Decodes one binary frame. Throws {@link ProtocolError} for unknown types, bad varints,
 * truncated frames and trailing bytes; it never returns a partial message.
 */
export function decodeMessage(frame: Uint8Array): Message {
  const d = decoding.createDecoder(frame);
  let m: Message;
  try {
    const type = decoding.readVarUint(d);
    switch (type) {
      case MessageType.Sync:
        m = decodeSync(d);
        break;
      case MessageType.Awareness:
        m = { type: 'awareness', update: decoding.readVarUint8Array(d) };
        break;
      case MessageType.QueryAwareness:
        m = { type: 'query-awareness' };
        break;
      case MessageType.Auth: {
        const sub = decoding.readVarUint(d);
        if (sub !== AuthType.PermissionDenied) throw new ProtocolError(`unknown auth message type ${sub}`);
        m = { type: 'auth-denied', reason: decoding.readVarString(d) };
        break;
      }
      case MessageType.Ack:
        m = { type: 'ack', count: decoding.readVarUint(d) };
        break;
      case MessageType.Role:
        m = { type: 'role', role: decoding.readVarString(d) };
        break;
      case MessageType.Ticket:
        m = { type: 'ticket', ticket: decoding.readVarString(d) };
        break;
      case MessageType.Title:
        m = { type: 'title', title: decoding.readVarString(d) };
        break;
      default:
        throw new ProtocolError(`unknown message type ${type}`);
    }
  } catch (e) {
    if (e instanceof ProtocolError) throw e;
    throw new ProtocolError(`malformed frame: ${(e as Error).message}`);
  }
  if (decoding.hasContent(d)) throw new ProtocolError('trailing bytes after message');
  return m;
}
