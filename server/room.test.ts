import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ProtocolError, decodeMessage, encodeMessage } from '../lib/protocol';
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
    // The reader's socket flush (at the end of this task) comes before the commit (at the end
    // of the turn); a commit posted first would have its worker's CPU delay every delivery.
    expect(events).toEqual(['relay to reader', 'persist']);
    expect(room.doc.getText('t').toString()).toBe('hello');
    room.destroy();
  });

  /** A room whose persisted updates and relays to a second peer are recorded. */
  function recordingRoom() {
    const persisted: Uint8Array[] = [];
    const relayed: Uint8Array[] = [];
    const room = new Room('d', { persist: async (_id, update) => void persisted.push(update), onFailure: () => {} });
    const peer = (id: string, onSend: (frame: Uint8Array) => void = () => {}): Peer => ({
      id,
      identity: { userId: id, name: id, color: '#000' },
      role: 'editor',
      extensions: false,
      send: onSend,
      close() {},
    });
    const writer = peer('writer');
    const reader = peer('reader', (frame) => {
      const m = decodeMessage(frame);
      if (m.type === 'sync-update') relayed.push(m.update);
    });
    room.join(writer);
    room.join(reader);
    return { room, writer, persisted, relayed };
  }

  it("relays and stores a client's update that continues the document as its own bytes, without encoding it again", () => {
    const { room, writer, persisted, relayed } = recordingRoom();
    const client = new Y.Doc();
    const text = client.getText('t');
    const send = (update: Uint8Array) => room.receive(writer, encodeMessage({ type: 'sync-update', update }));
    text.insert(0, 'hello');
    send(Y.encodeStateAsUpdate(client));
    client.once('update', (u: Uint8Array) => send(u));
    text.delete(0, 1);
    // Everything since the last insert, with the client's whole delete set: the deletion of "h"
    // again, which the server has. Yjs's own encoding of the transaction would leave it out.
    const before = Y.encodeStateVector(client);
    text.insert(4, '!');
    const update = Y.encodeStateAsUpdate(client, before);
    send(update);
    expect(room.doc.getText('t').toString()).toBe('ello!');
    expect(persisted.at(-1)).toEqual(update);
    expect(relayed.at(-1)).toEqual(update);
    expect(persisted).toHaveLength(3);
    expect(relayed).toHaveLength(3);
    room.destroy();
  });

  it('never relays structs it already had as the client sent them: a rewritten past is not passed on', () => {
    const { room, writer, relayed } = recordingRoom();
    const client = new Y.Doc();
    client.getText('t').insert(0, 'abc');
    room.receive(writer, encodeMessage({ type: 'sync-update', update: Y.encodeStateAsUpdate(client) }));
    // The same client id and clocks with other content, then one new character.
    const forger = new Y.Doc();
    forger.clientID = client.clientID;
    forger.getText('t').insert(0, 'xyzd');
    room.receive(writer, encodeMessage({ type: 'sync-update', update: Y.encodeStateAsUpdate(forger) }));
    expect(room.doc.getText('t').toString()).toBe('abcd');
    const meta = Y.parseUpdateMeta(relayed.at(-1)!);
    expect(meta.from.get(client.clientID)).toBe(3);
    const peer = new Y.Doc();
    for (const u of relayed) Y.applyUpdate(peer, u);
    expect(peer.getText('t').toString()).toBe('abcd');
    room.destroy();
  });

  it('relays and stores what integrated of a continuing update whose rest depends on changes it lacks, then refuses it', () => {
    const { room, writer, persisted, relayed } = recordingRoom();
    const other = new Y.Doc();
    other.getText('t').insert(0, 'x');
    const client = new Y.Doc();
    client.getText('t').insert(0, 'a');
    Y.applyUpdate(client, Y.encodeStateAsUpdate(other));
    const otherState = Y.encodeStateVector(other);
    // Right after the other client's "x" (whether "x" landed before or after "a" depends on the
    // random client ids), so "y" depends on it.
    client.getText('t').insert(client.getText('t').toString().indexOf('x') + 1, 'y');
    // Only the client's own structs: "a", then "y", whose left neighbour the server lacks.
    const update = Y.encodeStateAsUpdate(client, otherState);
    expect(() => room.receive(writer, encodeMessage({ type: 'sync-update', update }))).toThrow(ProtocolError);
    expect(room.doc.getText('t').toString()).toBe('a');
    for (const stored of [persisted, relayed]) {
      expect(stored).toHaveLength(1);
      const replica = new Y.Doc();
      Y.applyUpdate(replica, stored[0]);
      expect(replica.getText('t').toString()).toBe('a');
    }
    room.destroy();
  });
});
