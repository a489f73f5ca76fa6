import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { yXmlFragmentToProseMirrorRootNode } from '@tiptap/y-tiptap';
import { editorSchema, FRAGMENT } from '../../editor/extensions';
import { exportDocument, exportFileName, attachment } from './export';
import { ImportError, MAX_IMPORT_BYTES, parseImport, seedUpdate, titleFrom } from './import';

const schema = editorSchema();

function thrown(f: () => unknown): ImportError {
  try {
    f();
  } catch (e) {
    if (e instanceof ImportError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe('import', () => {
  it('seeds a document that reads back as the imported one', () => {
    const node = parseImport('# Plan\n\n- [x] write\n- [ ] ship\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n', 'markdown');
    const doc = new Y.Doc();
    Y.applyUpdate(doc, seedUpdate(node));
    expect(yXmlFragmentToProseMirrorRootNode(doc.getXmlFragment(FRAGMENT), schema).toJSON()).toEqual(node.toJSON());
    expect(titleFrom(node)).toBe('Plan');
  });

  it('imports HTML through the paste rules: scripts, handlers and bad URLs are gone, the text stays', () => {
    const node = parseImport(
      '<h2 onclick="x()">Title</h2><script>alert(1)</script><p style="color:red">Hi <a href="javascript:alert(1)">there</a> <b>you</b></p><img src="javascript:alert(2)"><img src="https://example.com/a.png" onerror="x()">',
      'html',
    );
    const json = JSON.stringify(node.toJSON());
    expect(json).not.toMatch(/alert|javascript|onclick|onerror|style/);
    expect(node.textContent).toBe('TitleHi there you');
    expect(json).toContain('https://example.com/a.png');
  });

  it('drops links and images with URLs that are not allowed from Markdown too', () => {
    const node = parseImport('[bad](javascript:alert(1)) ![x](data:image/png;base64,AAAA) [ok](https://example.com)', 'markdown');
    const json = JSON.stringify(node.toJSON());
    expect(json).not.toMatch(/javascript|data:/);
    expect(json).toContain('https://example.com');
  });

  it('refuses oversized, binary, too deeply nested and empty files with a clear message', () => {
    const big = thrown(() => parseImport('a'.repeat(MAX_IMPORT_BYTES + 1), 'markdown'));
    expect(big.tooLarge).toBe(true);
    expect(big.message).toMatch(/too large.*at most 2 MiB/);
    expect(thrown(() => parseImport('PK\u0003\u0004\u0000\u0000', 'markdown')).message).toBe('This is not a Markdown file: it contains binary data.');
    expect(thrown(() => parseImport('>'.repeat(5000) + ' deep', 'markdown')).message).toMatch(/nested too deeply/);
    expect(thrown(() => parseImport('<div>'.repeat(3000) + 'deep', 'html')).message).toMatch(/nested too deeply/);
    expect(thrown(() => parseImport('<script>alert(1)</script><style>p{}</style>', 'html')).message).toMatch(/Nothing in the HTML file could be imported/);
    // An empty file is an empty document, not an error.
    expect(parseImport(' \n', 'markdown').textContent).toBe('');
  });
});

describe('export', () => {
  it('vets what clients stored: no javascript: link or image, no markup from text', () => {
    const doc = schema.nodeFromJSON({
      type: 'doc',
      content: [
        { type: 'paragraph', content: [{ type: 'text', text: 'click', marks: [{ type: 'link', attrs: { href: 'javascript:alert(1)' } }] }, { type: 'text', text: ' <script>alert(2)</script>' }] },
        { type: 'image', attrs: { src: 'javascript:alert(3)' } },
        { type: 'image', attrs: { src: 'https://example.com/ok.png', alt: '"><img src=x onerror=alert(4)>' } },
      ],
    });
    const html = exportDocument(doc, 'html', '</title><script>alert(5)</script>');
    expect(html).not.toMatch(/<script|javascript:|<img src="?x|onerror="/i);
    expect(html).toContain('&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(html).toContain('<title>&lt;/title&gt;&lt;script&gt;alert(5)&lt;/script&gt;</title>');
    expect(html).toContain('src="https://example.com/ok.png"');
    const md = exportDocument(doc, 'markdown', 't');
    expect(md).not.toContain('javascript:');
    expect(md).toContain('click');
    expect(exportDocument(doc, 'text', 't')).toContain('click <script>alert(2)</script>');
  });

  it('names files after the title, safely', () => {
    expect(exportFileName('Q3 plan: draft/v2?', 'markdown')).toBe('Q3 plan draft v2.md');
    expect(exportFileName('   ', 'html')).toBe('document.html');
    expect(attachment('Café.txt')).toBe(`attachment; filename="Caf_.txt"; filename*=UTF-8''Caf%C3%A9.txt`);
  });
});
