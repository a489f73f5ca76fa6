import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { ProtocolError } from './codec';

/** One client's entry in an awareness update; `state` null means the client left. */
export interface AwarenessEntry {
  clientId: number;
  clock: number;
  state: Record<string, unknown> | null;
}

/**
 * Decodes the payload of an awareness message (y-protocols/awareness format). Throws
 * {@link ProtocolError} when the bytes or the JSON are malformed, or a state is not an object.
 */
export function decodeAwarenessUpdate(update: Uint8Array): AwarenessEntry[] {
  const d = decoding.createDecoder(update);
  const entries: AwarenessEntry[] = [];
  try {
    const n = decoding.readVarUint(d);
    for (let i = 0; i < n; i++) {
      const clientId = decoding.readVarUint(d);
      const clock = decoding.readVarUint(d);
      const json = decoding.readVarString(d);
      let state: unknown;
      try {
        state = JSON.parse(json);
      } catch {
        // V8's message quotes the input; errors must never carry client content into logs.
        throw new ProtocolError('awareness state is not valid JSON');
      }
      if (state !== null && (typeof state !== 'object' || Array.isArray(state))) {
        throw new ProtocolError('awareness state must be an object or null');
      }
      entries.push({ clientId, clock, state: state as Record<string, unknown> | null });
    }
  } catch (e) {
    if (e instanceof ProtocolError) throw e;
    throw new ProtocolError(`malformed awareness update: ${(e as Error).message}`);
  }
  if (decoding.hasContent(d)) throw new ProtocolError('trailing bytes after awareness update');
  return entries;
}

/** Encodes entries in the y-protocols/awareness format. */
export function encodeAwarenessUpdate(entries: AwarenessEntry[]): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, entries.length);
  for (const entry of entries) {
    encoding.writeVarUint(e, entry.clientId);
    encoding.writeVarUint(e, entry.clock);
    encoding.writeVarString(e, JSON.stringify(entry.state));
  }
  return encoding.toUint8Array(e);
}
