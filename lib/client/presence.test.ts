import { describe, expect, it } from 'vitest';
import { initials, peopleFrom } from './presence';

describe('presence', () => {
  it('makes initials from names', () => {
    expect(initials('Ada Lovelace')).toBe('AL');
    expect(initials('ada king lovelace')).toBe('AL');
    expect(initials('bo')).toBe('B');
    expect(initials('  ')).toBe('?');
    expect(initials('Émile Zola')).toBe('ÉZ');
  });

  it('lists each account once, self first, idle only when every tab is idle', () => {
    const ada = { id: 'u1', name: 'Ada', color: '#111' };
    const bo = { id: 'u2', name: 'Bo', color: '#222' };
    const cy = { id: 'u3', name: 'Cy', color: '#333' };
    const states = new Map<number, Record<string, unknown>>([
      [10, { user: cy, idle: true }],
      [11, { user: bo, idle: true }],
      [12, { user: bo, idle: false }],
      [13, { user: ada }],
      [14, { cursor: null }], // no user yet: not shown
      [15, { user: { name: 'no id' } }],
    ]);
    const people = peopleFrom(states, 13);
    expect(people.map((p) => [p.name, p.self, p.idle])).toEqual([
      ['Ada', true, false],
      ['Bo', false, false],
      ['Cy', false, true],
    ]);
  });
});
