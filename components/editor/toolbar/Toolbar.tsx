'use client';

import type { Editor } from '@tiptap/core';
import { Fragment, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useRenderCount } from '../render-count';
import { useEditorValue } from '../use-editor-value';
import { GROUPS, TABLE_ITEMS, sameToolbarState, shortcutText, toolbarState, type ToolbarItem } from './items';
import { readSeenSelection } from '../seen-selection';

export type ToolbarDialog = 'link' | 'image';

/**
 * The formatting toolbar (WAI-ARIA toolbar pattern): one tab stop, arrow keys move between
 * buttons, Home/End jump to the ends. Active states are read from the editor when the page is
 * idle after changes, and the toolbar re-renders only when one of them changed, never merely
 * because someone typed.
 */
export function Toolbar({ editor, onOpen }: { editor: Editor; onOpen: (d: ToolbarDialog) => void }) {
  useRenderCount('toolbar');
  const state = useEditorValue(editor, toolbarState, sameToolbarState);
  const [current, setCurrent] = useState('bold');
  const [mac, setMac] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => setMac(/Mac|iPhone|iPad/.test(navigator.platform)), []);

  const groups = state.inTable ? [...GROUPS, TABLE_ITEMS] : GROUPS;
  const enabled = groups.flat().filter((i) => !i.disabled?.(state));
  const tabStop = enabled.some((i) => i.key === current) ? current : enabled[0]?.key;

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    const at = enabled.findIndex((i) => i.key === tabStop);
    const next = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: enabled.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    const item = enabled[(next + enabled.length) % enabled.length];
    setCurrent(item.key);
    root.current?.querySelector<HTMLButtonElement>(`[data-key="${item.key}"]`)?.focus();
  }

  const button = (item: ToolbarItem) => {
    const keys = item.keys ? shortcutText(item.keys, mac) : null;
    const pressed = item.pressed?.(state);
    return (
      <button
        key={item.key}
        type="button"
        data-key={item.key}
        data-glyph={item.glyph}
        className="tool"
        aria-label={item.label}
        aria-pressed={pressed === undefined ? undefined : pressed}
        aria-keyshortcuts={keys?.aria}
        title={keys ? `${item.label} (${keys.tooltip})` : item.label}
        disabled={item.disabled?.(state)}
        tabIndex={item.key === tabStop ? 0 : -1}
        onFocus={() => setCurrent(item.key)}
        onMouseDown={(e) => e.preventDefault() /* keep the editor's selection */}
        onClick={() => {
          readSeenSelection(editor.view);
          item.run(editor, onOpen);
        }}
      />
    );
  };

  return (
    <div ref={root} className="toolbar" role="toolbar" aria-label="Formatting" aria-controls="document-text" onKeyDown={onKeyDown} data-testid="toolbar">
      {groups.map((g, i) => (
        <Fragment key={i}>
          {i > 0 && <span className="tool-sep" aria-hidden="true" />}
          <span className={g === TABLE_ITEMS ? 'tool-group table-tools' : 'tool-group'} role={g === TABLE_ITEMS ? 'group' : undefined} aria-label={g === TABLE_ITEMS ? 'Table' : undefined}>
            {g.map(button)}
          </span>
        </Fragment>
      ))}
    </div>
  );
}
