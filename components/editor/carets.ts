import { Extension, type AnyExtension } from '@tiptap/core';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import { defaultSelectionBuilder, yCursorPlugin } from '@tiptap/y-tiptap';
import type { Awareness } from 'y-protocols/awareness';

type CaretUser = Record<string, string>;

const validColor = (color: unknown): color is string => typeof color === 'string' && /^#[0-9a-fA-F]{6}$/.test(color);
const withSafeColor = (user: CaretUser): CaretUser => ({ ...user, color: validColor(user.color) ? user.color : 'transparent' });

/**
 * Other people's carets and selections: what Tiptap's CollaborationCaret does for this app (its
 * name, priority and plugins: this person's `user` in awareness, y-tiptap's cursor plugin with
 * colours checked), without the list of users it rebuilds on every awareness update and the
 * commands the app never calls.
 */
export function collaborationCarets(awareness: Awareness, user: CaretUser, render: (user: CaretUser) => HTMLElement): AnyExtension {
  return Extension.create({
    name: 'collaborationCaret',
    priority: 999,
    addProseMirrorPlugins() {
      return [
        new Plugin({
          key: new PluginKey('collaborationCaretAwarenessListener'),
          view: () => {
            awareness.setLocalStateField('user', user);
            return {};
          },
        }),
        yCursorPlugin(awareness, {
          cursorBuilder: (u) => render(withSafeColor(u as CaretUser)),
          selectionBuilder: (u) => (validColor(u.color) ? defaultSelectionBuilder(u) : {}),
        }),
      ];
    },
  });
}
