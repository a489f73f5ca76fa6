'use client';

import type { Editor } from '@tiptap/core';
import { useCallback, useRef, useSyncExternalStore } from 'react';

type Idle = (fn: () => void) => void;
/** After the current frame, when the page is idle (at most 200 ms later); setTimeout where there is no requestIdleCallback. */
const whenIdle: Idle = (fn) => (typeof requestIdleCallback === 'function' ? requestIdleCallback(fn, { timeout: 200 }) : setTimeout(fn, 16));

/**
 * A value computed from the editor (what the toolbar shows), brought up to date when the page
 * is idle after transactions rather than in each one, so typing in a long document does not
 * pay for it; React re-renders only when `equal` says the value changed.
 */
export function useEditorValue<T>(editor: Editor, select: (editor: Editor) => T, equal: (a: T, b: T) => boolean): T {
  const current = useRef<{ editor: Editor; value: T } | null>(null);
  if (current.current?.editor !== editor) current.current = { editor, value: select(editor) };
  const subscribe = useCallback(
    (notify: () => void) => {
      let scheduled = false;
      let live = true;
      const update = () => {
        scheduled = false;
        if (!live || editor.isDestroyed) return;
        const next = select(editor);
        if (current.current && !equal(current.current.value, next)) {
          current.current = { editor, value: next };
          notify();
        }
      };
      const onTransaction = () => {
        if (scheduled) return;
        scheduled = true;
        whenIdle(update);
      };
      editor.on('transaction', onTransaction);
      return () => {
        live = false;
        editor.off('transaction', onTransaction);
      };
    },
    // The selector and comparison are module-level functions in practice.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [editor],
  );
  const snapshot = () => current.current!.value;
  return useSyncExternalStore(subscribe, snapshot, snapshot);
}
