import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { decodeMessage, encodeMessage } from '../lib/protocol';
import type { Peer } from './peer';
import { Room } from './room';

describe('Room', () => {
  it('relays a client update before handing it to storage, so the deliveries are not queued behind the commit', () => {
    const events: string[] = [];
    const room = new Room('d', {
      persist: async () => void events.push('persist'),
      onFailure: () => {},
    });
    const peer = (id: string): Peer => ({
      id,
      identity: { userId: id, name: id, color: '#000' },
      role: 'editor',
      extensions: false,
      send: (frame) => {
        if (decodeMessage(frame).type === 'sync-update') events.push(`relay to ${id}`);
      },
      close() {},
    });
    const [writer, reader] = [peer('writer'), peer('reader')];
    room.join(writer);
    room.join(reader);
    const src = new Y.Doc();
    src.getText('t').insert(0, 'hello');
    room.receive(writer, encodeMessage({ type: 'sync-update', update: Y.encodeStateAsUpdate(src) }));
    // The reader's socket flush and the commit both wait for the end of the turn, in this
    // order; a commit posted first would have its worker's CPU delay every delivery.
    expect(events).toEqual(['relay to reader', 'persist']);
    expect(room.doc.getText('t').toString()).toBe('hello');
    room.destroy();
  });
});
