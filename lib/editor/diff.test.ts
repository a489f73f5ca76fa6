import type { JSONContent } from '@tiptap/core';
import { describe, expect, it } from 'vitest';
import { diffDocs } from './diff';
import { editorSchema } from './extensions';

const schema = editorSchema();
const p = (...content: JSONContent[]): JSONContent => ({ type: 'paragraph', content });
const t = (text: string, marks?: JSONContent['marks']): JSONContent => ({ type: 'text', text, ...(marks && { marks }) });
const doc = (...content: JSONContent[]) => schema.nodeFromJSON({ type: 'doc', content });

function shown(version: ReturnType<typeof doc>, current: ReturnType<typeof doc>) {
  const d = diffDocs(current, version)!;
  return {
    added: d.added.map((r) => version.textBetween(r.from, r.to, '|', '[leaf]')),
    removed: d.removed.map((r) => r.text),
    changed: d.changedBlocks.map((r) => version.resolve(r.from + 1).parent.type.name),
    removedAt: d.removed.map((r) => version.textBetween(0, r.at, '|')),
  };
}

describe('diffDocs', () => {
  it('finds nothing between equal documents', () => {
    const a = doc(p(t('Same text here')));
    expect(diffDocs(a, a)).toEqual({ added: [], removed: [], changedBlocks: [] });
  });

  it('shows words the version has and the current document lacks, and the reverse, in place', () => {
    const version = doc(p(t('The quick brown fox')));
    const current = doc(p(t('The slow brown fox jumps')));
    expect(shown(version, current)).toEqual({ added: ['quick'], removed: ['slow', ' jumps'], changed: [], removedAt: ['The ', 'The quick brown fox'] });
  });

  it('counts a change of marks or of block type as a difference', () => {
    const version = doc({ type: 'heading', attrs: { level: 1 }, content: [t('Title')] }, p(t('bold', [{ type: 'bold' }])));
    const current = doc(p(t('Title')), p(t('bold')));
    const s = shown(version, current);
    expect(s.changed).toEqual(['heading']);
    expect(s.added).toEqual(['bold']);
    expect(s.removed).toEqual(['bold']);
  });

  it('handles whole blocks added or removed, and leaves such as images', () => {
    const version = doc(p(t('one')), { type: 'image', attrs: { src: 'https://example.com/a.png', alt: 'chart' } }, p(t('three')));
    const current = doc(p(t('one')), p(t('two')), p(t('three')));
    const s = shown(version, current);
    expect(s.added).toEqual(['[leaf]']);
    expect(s.removed).toEqual(['two']);
  });

  it('gives up instead of stalling on documents that differ too much', () => {
    const words = (n: number, w: string) => Array.from({ length: n }, (_, i) => `${w}${i}`).join(' ');
    expect(diffDocs(doc(p(t(words(3000, 'a')))), doc(p(t(words(3000, 'b')))), 100)).toBeUndefined();
  });
});
