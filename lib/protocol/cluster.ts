import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { ProtocolError } from './codec';

/**
 * Server-to-server messages, published on one Redis channel per document when several
 * collaboration servers serve the same documents (`REDIS_URL`). Grammar: server/PROTOCOL.md,
 * "Between servers". Every message names its sender and carries the sender's sequence number
 * for that document, so a receiver notices a gap (Redis pub/sub may drop messages) and heals
 * it by state-vector resync instead of trusting delivery.
 */
export const ClusterType = {
  Update: 0,
  Awareness: 1,
  /** Everything the sender published up to `upto` is committed to storage. */
  Durable: 2,
  /** Periodic: the sender's latest sequence number, so a lost last message is noticed. */
  Heads: 3,
  SyncRequest: 4,
  SyncReply: 5,
} as const;

export type ClusterBody =
  | { type: 'update'; update: Uint8Array }
  | { type: 'awareness'; update: Uint8Array }
  | { type: 'durable'; upto: number }
  | { type: 'heads' }
  /** "Send me what I lack": `answer` asks the receivers to request the same from the sender. */
  | { type: 'sync-request'; stateVector: Uint8Array; answer: boolean }
  | { type: 'sync-reply'; to: string; update: Uint8Array };

export type ClusterMessage = ClusterBody & { from: string; seq: number };

export const clusterChannel = (documentId: string) => `tandem:doc:${documentId}`;
export const CLUSTER_CHANNEL_PREFIX = 'tandem:doc:';

export function encodeClusterMessage(m: ClusterMessage): Uint8Array {
  const e = encoding.createEncoder();
  switch (m.type) {
    case 'update':
      encoding.writeVarUint(e, ClusterType.Update);
      break;
    case 'awareness':
      encoding.writeVarUint(e, ClusterType.Awareness);
      break;
    case 'durable':
      encoding.writeVarUint(e, ClusterType.Durable);
      break;
    case 'heads':
      encoding.writeVarUint(e, ClusterType.Heads);
      break;
    case 'sync-request':
      encoding.writeVarUint(e, ClusterType.SyncRequest);
      break;
    case 'sync-reply':
      encoding.writeVarUint(e, ClusterType.SyncReply);
      break;
    default:
      throw new Error(`unknown cluster message ${JSON.stringify(m satisfies never)}`);
  }
  encoding.writeVarString(e, m.from);
  encoding.writeVarUint(e, m.seq);
  switch (m.type) {
    case 'update':
    case 'awareness':
      encoding.writeVarUint8Array(e, m.update);
      break;
    case 'durable':
      encoding.writeVarUint(e, m.upto);
      break;
    case 'heads':
      break;
    case 'sync-request':
      encoding.writeVarUint8Array(e, m.stateVector);
      encoding.writeUint8(e, m.answer ? 1 : 0);
      break;
    case 'sync-reply':
      encoding.writeVarString(e, m.to);
      encoding.writeVarUint8Array(e, m.update);
      break;
  }
  return encoding.toUint8Array(e);
}

/** Decodes one message; throws {@link ProtocolError} on anything malformed or trailing. */
export function decodeClusterMessage(bytes: Uint8Array): ClusterMessage {
  try {
    const d = decoding.createDecoder(bytes);
    const type = decoding.readVarUint(d);
    const from = decoding.readVarString(d);
    const seq = decoding.readVarUint(d);
    let body: ClusterBody;
    switch (type) {
      case ClusterType.Update:
        body = { type: 'update', update: decoding.readVarUint8Array(d) };
        break;
      case ClusterType.Awareness:
        body = { type: 'awareness', update: decoding.readVarUint8Array(d) };
        break;
      case ClusterType.Durable:
        body = { type: 'durable', upto: decoding.readVarUint(d) };
        break;
      case ClusterType.Heads:
        body = { type: 'heads' };
        break;
      case ClusterType.SyncRequest:
        body = { type: 'sync-request', stateVector: decoding.readVarUint8Array(d), answer: decoding.readUint8(d) === 1 };
        break;
      case ClusterType.SyncReply:
        body = { type: 'sync-reply', to: decoding.readVarString(d), update: decoding.readVarUint8Array(d) };
        break;
      default:
        throw new ProtocolError(`unknown cluster message type ${type}`);
    }
    if (decoding.hasContent(d)) throw new ProtocolError('trailing bytes after cluster message');
    return { ...body, from, seq };
  } catch (e) {
    if (e instanceof ProtocolError) throw e;
    throw new ProtocolError(`malformed cluster message: ${(e as Error).message}`);
  }
}
