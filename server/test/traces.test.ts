import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { TRACE_TEXT, replay, traceState, traceUpdates, type SequentialTrace } from './traces';

const trace: SequentialTrace = {
  startContent: 'ab',
  endContent: 'aXYZ!',
  txns: [{ patches: [[1, 1, 'XY']] }, { patches: [[3, 0, 'Z'], [4, 0, '!']] }],
};

describe('trace replay', () => {
  it('applies each patch to the result of the previous one', () => {
    const doc = new Y.Doc();
    replay(trace, doc.getText(TRACE_TEXT));
    expect(doc.getText(TRACE_TEXT).toString()).toBe(trace.endContent);
  });

  it('gives one update per patch (plus the start content), which rebuild the text', () => {
    const { updates, text } = traceUpdates(trace);
    expect(text).toBe('aXYZ!');
    expect(updates).toHaveLength(4);
    const doc = new Y.Doc();
    for (const u of updates) Y.applyUpdate(doc, u);
    expect(doc.getText(TRACE_TEXT).toString()).toBe('aXYZ!');
  });

  it('gives the whole replayed document as one update by the given client', () => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, traceState(trace, 4242));
    expect(doc.getText(TRACE_TEXT).toString()).toBe('aXYZ!');
    expect([...Y.decodeStateVector(Y.encodeStateVector(doc)).keys()]).toEqual([4242]);
  });

  it('refuses characters outside the BMP, whose code point offsets Y.Text would misread', () => {
    const astral: SequentialTrace = { startContent: '', endContent: '😀', txns: [{ patches: [[0, 0, '😀']] }] };
    expect(() => traceUpdates(astral)).toThrow(/outside the BMP/);
  });
});
