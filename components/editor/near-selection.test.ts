import { Schema } from '@tiptap/pm/model';
import { EditorState, TextSelection } from '@tiptap/pm/state';
import { describe, expect, it } from 'vitest';
import { NEAR_SELECTION_CLASS, aroundSelection } from './near-selection';

const schema = new Schema({
  nodes: { doc: { content: 'block+' }, paragraph: { group: 'block', content: 'text*', toDOM: () => ['p', 0] }, text: {} },
});
/** Ten paragraphs "p0" … "p9"; each is 4 positions long. */
const doc = schema.node(
  'doc',
  null,
  Array.from({ length: 10 }, (_, i) => schema.node('paragraph', null, schema.text(`p${i}`))),
);
/** Position inside paragraph `i`. */
const inside = (i: number) => i * 4 + 2;

/** The texts of the blocks that get the class. */
function near(anchor: number, head = anchor): string[] {
  const state = EditorState.create({ doc, selection: TextSelection.create(doc, anchor, head) });
  return aroundSelection(state)
    .find()
    .map((d) => {
      expect((d as unknown as { type: { attrs: { class: string } } }).type.attrs.class).toBe(NEAR_SELECTION_CLASS);
      return state.doc.nodeAt(d.from)!.textContent;
    });
}

describe('aroundSelection', () => {
  it('marks the block with the caret and two on each side', () => {
    expect(near(inside(5))).toEqual(['p3', 'p4', 'p5', 'p6', 'p7']);
  });

  it('stops at the ends of the document', () => {
    expect(near(inside(0))).toEqual(['p0', 'p1', 'p2']);
    expect(near(inside(9))).toEqual(['p7', 'p8', 'p9']);
  });

  it('marks around both ends of a long selection, not the blocks between them', () => {
    expect(near(inside(1), inside(8))).toEqual(['p0', 'p1', 'p2', 'p3', 'p6', 'p7', 'p8', 'p9']);
  });
});
