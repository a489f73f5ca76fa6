import { describe, expect, it } from 'vitest';
import { GROUPS, TABLE_ITEMS, shortcutText } from './items';

describe('toolbar items', () => {
  it('have unique keys and names', () => {
    const items = [...GROUPS.flat(), ...TABLE_ITEMS];
    expect(new Set(items.map((i) => i.key)).size).toBe(items.length);
    expect(new Set(items.map((i) => i.label)).size).toBe(items.length);
  });

  it('write shortcuts the way each platform does', () => {
    expect(shortcutText('Mod+Shift+S', false)).toEqual({ tooltip: 'Ctrl+Shift+S', aria: 'Control+Shift+S' });
    expect(shortcutText('Mod+Shift+S', true)).toEqual({ tooltip: '⌘⇧S', aria: 'Meta+Shift+S' });
    expect(shortcutText('Mod+Alt+1', true)).toEqual({ tooltip: '⌘⌥1', aria: 'Meta+Alt+1' });
  });
});
