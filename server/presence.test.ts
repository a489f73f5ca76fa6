import { describe, expect, it } from 'vitest';
import { peopleIn } from './presence';

describe('peopleIn', () => {
  it('merges tabs of one account, keeps them active if any tab is, skips states without a user', () => {
    const ada = { id: 'a', name: 'Ada', color: '#111' };
    const bo = { id: 'b', name: 'Bo', color: '#222' };
    const states = new Map<number, Record<string, unknown>>([
      [1, { user: bo, idle: true }],
      [2, { user: ada, idle: true }],
      [3, { user: ada, idle: false }],
      [4, {}],
    ]);
    expect(peopleIn(states)).toEqual([
      { id: 'a', name: 'Ada', color: '#111', idle: false },
      { id: 'b', name: 'Bo', color: '#222', idle: true },
    ]);
    expect(peopleIn(new Map())).toEqual([]);
  });
});
