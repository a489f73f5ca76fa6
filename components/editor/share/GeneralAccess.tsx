'use client';

import { useState } from 'react';
import type { Sharing } from './useSharing';

/** General access: restricted, or anyone with the link as viewer or editor; copy and reset the link. */
export function GeneralAccess({ sharing, manage }: { sharing: Sharing; manage: boolean }) {
  const [copied, setCopied] = useState(false);
  const link = sharing.link;
  if (!link) return null;
  const on = link.access !== 'restricted';
  async function copy() {
    if (!link?.url) return;
    await navigator.clipboard?.writeText(link.url).catch(() => {});
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  }
  return (
    <div className="general-access">
      {manage ? (
        <div className="share-add">
          <div>
            <label htmlFor="link-access">Who can open it</label>
            <select id="link-access" value={on ? 'link' : 'restricted'} onChange={(e) => sharing.setLinkAccess(e.target.value === 'link' ? 'viewer' : 'restricted')}>
              <option value="restricted">Only people with access</option>
              <option value="link">Anyone with the link</option>
            </select>
          </div>
          {on && (
            <div>
              <label htmlFor="link-role">Link gives</label>
              <select id="link-role" value={link.access} onChange={(e) => sharing.setLinkAccess(e.target.value)}>
                <option value="viewer">Viewer</option>
                <option value="editor">Editor</option>
              </select>
            </div>
          )}
        </div>
      ) : (
        <p>{on ? `Anyone with the link can ${link.access === 'editor' ? 'edit' : 'view'}.` : 'Only people with access can open it.'}</p>
      )}
      {link.url && (
        <div className="share-add">
          <label htmlFor="share-link" className="visually-hidden">
            Share link
          </label>
          <input id="share-link" data-testid="share-link" readOnly value={link.url} onFocus={(e) => e.currentTarget.select()} style={{ flex: 1 }} />
          <button type="button" onClick={copy}>
            {copied ? 'Copied' : 'Copy link'}
          </button>
          {manage && (
            <button type="button" className="danger" onClick={() => sharing.rotateLink()}>
              Reset link
            </button>
          )}
        </div>
      )}
    </div>
  );
}
