// @vitest-environment happy-dom
import { Editor } from '@tiptap/core';
import { afterEach, describe, expect, it } from 'vitest';
import { schemaExtensions } from '@/lib/editor/extensions';
import { SeenSelection } from './seen-selection';

let editor: Editor | undefined;
afterEach(() => {
  editor?.destroy();
  document.body.innerHTML = '';
});

/** Moves the DOM selection to `alpha`'s first `chars` letters behind ProseMirror's back. */
function selectInDomOnly(e: Editor, chars: number) {
  const text = e.view.dom.querySelector('p')!.firstChild!;
  const observer = (e.view as unknown as { domObserver: Record<'disconnectSelection' | 'connectSelection', () => void> }).domObserver;
  // As when the browser has moved the selection but not yet delivered its selectionchange.
  observer.disconnectSelection();
  document.getSelection()!.setBaseAndExtent(text, 0, text, chars);
  observer.connectSelection();
}

function setUp(extensions = [SeenSelection]) {
  const element = document.createElement('div');
  document.body.appendChild(element);
  editor = new Editor({ element, extensions: [...schemaExtensions(), ...extensions], content: '<p>alpha beta gamma</p>' });
  editor.view.focus();
  editor.commands.setTextSelection({ from: 1, to: 5 });
  return editor;
}

const pressItalic = (e: Editor) => e.view.dom.dispatchEvent(new KeyboardEvent('keydown', { key: 'i', ctrlKey: true, bubbles: true, cancelable: true }));

describe('SeenSelection', () => {
  it('styles what the person sees selected, not a selection ProseMirror has not read yet', () => {
    const e = setUp();
    selectInDomOnly(e, 5);
    expect(e.state.selection.to).toBe(5);
    pressItalic(e);
    expect(e.getHTML()).toBe('<p><em>alpha</em> beta gamma</p>');
  });

  it('is what makes the difference: without it the stale selection is styled', () => {
    const e = setUp([]);
    selectInDomOnly(e, 5);
    pressItalic(e);
    expect(e.getHTML()).toBe('<p><em>alph</em>a beta gamma</p>');
  });

  it('leaves a whole-document selection alone', () => {
    const e = setUp();
    e.commands.selectAll();
    const before = e.state.selection;
    pressItalic(e);
    expect(e.state.selection.eq(before) || e.state.selection.toJSON().type === 'all').toBe(true);
    expect(e.getHTML()).toBe('<p><em>alpha beta gamma</em></p>');
  });
});
