import { Schema } from '@tiptap/pm/model';
import { EditorState, TextSelection } from '@tiptap/pm/state';
import { ySyncPluginKey } from '@tiptap/y-tiptap';
import { describe, expect, it } from 'vitest';
import { steadySelection } from './steady-selection';

const schema = new Schema({
  nodes: { doc: { content: 'block+' }, paragraph: { group: 'block', content: 'text*' }, text: {} },
  marks: { bold: {} },
});
const para = (...text: Parameters<typeof schema.text>[]) => schema.node('doc', null, [schema.node('paragraph', null, text.map((t) => schema.text(...t)))]);
const plain = para(['alpha beta gamma']);
const bold = para(['alpha beta gamma', [schema.marks.bold.create()]]);
const typed = para(['alpha beta gammaX']);

/** Bo has "alpha" (1..6) selected; a transaction turns `from` into `to` and puts his selection at anchor..head. */
function remote(from: typeof plain, to: typeof plain, anchor: number, head: number, meta: object = { isChangeOrigin: true }) {
  const before = EditorState.create({ schema, doc: from, selection: TextSelection.create(from, 1, 6) });
  const tr = before.tr.replaceWith(0, before.doc.content.size, to.content);
  tr.setSelection(TextSelection.create(tr.doc, anchor, head)).setMeta(ySyncPluginKey, meta);
  return steadySelection([tr], before, before.apply(tr));
}

describe('steadySelection', () => {
  it('puts the selection back when a collaborator only restyled the text', () => {
    const s = remote(plain, bold, 1, 5);
    expect([s?.anchor, s?.head]).toEqual([1, 6]);
  });

  it('keeps what y-tiptap chose when the text changed, the change was local, or it was undo', () => {
    expect(remote(plain, typed, 1, 5)).toBeNull();
    expect(remote(plain, bold, 1, 5, { isChangeOrigin: false })).toBeNull();
    expect(remote(plain, bold, 1, 5, { isChangeOrigin: true, isUndoRedoOperation: true })).toBeNull();
  });

  it('does nothing when the selection did not move', () => {
    expect(remote(plain, bold, 1, 6)).toBeNull();
  });
});
