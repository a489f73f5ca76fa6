'use client';

import { Editor, type EditorOptions } from '@tiptap/core';
import { useCallback, useEffect, useRef, useState, useSyncExternalStore, type DependencyList, type RefObject } from 'react';

/**
 * The editor page's binding of Tiptap to React, in place of @tiptap/react (whose bundle brings
 * React node views, a deep-equality library and a useSyncExternalStore shim the page does not
 * use, about 6 KB gzipped). The editor is created into the returned element once it is mounted,
 * and destroyed when the dependencies change or the component goes away; `options` is read
 * only then. Editor state is never React state: nothing here re-renders per transaction.
 */
export function useTiptapEditor(options: () => Partial<EditorOptions>, deps: DependencyList): [Editor | null, RefObject<HTMLDivElement | null>] {
  const mount = useRef<HTMLDivElement>(null);
  const [editor, setEditor] = useState<Editor | null>(null);
  useEffect(() => {
    const created = new Editor({ ...options(), element: mount.current });
    setEditor(created);
    return () => {
      created.destroy();
      setEditor(null);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller's dependencies decide
  }, deps);
  return [editor, mount];
}

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
