import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { continuesDoc } from './room-updates';

describe('continuesDoc', () => {
  it("is true only for one client's structs starting where the document is for that client", () => {
    const server = new Y.Doc();
    const a = new Y.Doc();
    a.getText('t').insert(0, 'ab');
    const first = Y.encodeStateAsUpdate(a);
    expect(continuesDoc(server, first)).toBe(true);
    Y.applyUpdate(server, first);
    // Already had: starts at clock 0, the server is at 2.
    expect(continuesDoc(server, first)).toBe(false);
    const sv = Y.encodeStateVector(a);
    a.getText('t').insert(2, 'c');
    expect(continuesDoc(server, Y.encodeStateAsUpdate(a, sv))).toBe(true);
    // Two clients' structs.
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    b.getText('t').insert(0, 'z');
    expect(continuesDoc(server, Y.encodeStateAsUpdate(b))).toBe(false);
  });

  it('is false for a deletion alone, for nothing, and for bytes that end early', () => {
    const server = new Y.Doc();
    const a = new Y.Doc();
    a.getText('t').insert(0, 'ab');
    Y.applyUpdate(server, Y.encodeStateAsUpdate(a));
    let deletion: Uint8Array | undefined;
    a.once('update', (u: Uint8Array) => (deletion = u));
    a.getText('t').delete(0, 1);
    expect(continuesDoc(server, deletion!)).toBe(false);
    expect(continuesDoc(server, new Uint8Array([0, 0]))).toBe(false);
    expect(continuesDoc(server, new Uint8Array([1, 1, 0x80]))).toBe(false);
    expect(continuesDoc(server, new Uint8Array([]))).toBe(false);
  });
});
