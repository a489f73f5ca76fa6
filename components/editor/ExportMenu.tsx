'use client';

import { useRef } from 'react';

const FORMATS = [
  { format: 'markdown', label: 'Markdown (.md)' },
  { format: 'html', label: 'Web page (.html)' },
  { format: 'text', label: 'Plain text (.txt)' },
] as const;

/**
 * Download the document as it is saved on the server. A disclosure of plain links: each one is
 * a real download (Content-Disposition), so it works with the keyboard, middle-click and
 * "save link as".
 */
export function ExportMenu({ documentId }: { documentId: string }) {
  const menu = useRef<HTMLDetailsElement>(null);
  return (
    <details className="menu" ref={menu} onKeyDown={(e) => e.key === 'Escape' && menu.current?.removeAttribute('open')}>
      <summary>Download</summary>
      <ul aria-label="Download as">
        {FORMATS.map((f) => (
          <li key={f.format}>
            <a href={`/api/documents/${documentId}/content?format=${f.format}&download=1`} download onClick={() => menu.current?.removeAttribute('open')}>
              {f.label}
            </a>
          </li>
        ))}
      </ul>
    </details>
  );
}
