'use client';

import { useEffect, useRef, useState, type FormEvent } from 'react';
import { versionTitle, type useVersions, type VersionItem } from './useVersions';

/**
 * The list of versions, newest first: when, what, and who edited since the one before. People
 * who may edit can also save a named version of the document as it is now.
 */
export function HistoryPanel(props: { history: ReturnType<typeof useVersions>; canEdit: boolean; selected: string | null; onSelect: (v: VersionItem) => void; onClose: () => void }) {
  const { history, canEdit, selected } = props;
  const [name, setName] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const { load } = history;

  useEffect(() => {
    heading.current?.focus();
  }, []);

  // Versions others make (automatic ones, their restores) show up while the panel is open.
  useEffect(() => {
    void load();
    const refresh = () => document.visibilityState === 'visible' && void load();
    const timer = setInterval(refresh, 30_000);
    window.addEventListener('focus', refresh);
    return () => {
      clearInterval(timer);
      window.removeEventListener('focus', refresh);
    };
  }, [load]);

  async function save(e: FormEvent) {
    e.preventDefault();
    if (await history.save(name.trim())) {
      setName('');
      if (input.current) input.current.value = '';
    }
  }

  return (
    <aside id="version-history" className="history-panel" aria-labelledby="history-title">
      <div className="history-head">
        <h2 id="history-title" ref={heading} tabIndex={-1}>
          Version history
        </h2>
        <button type="button" onClick={props.onClose} aria-label="Close version history">
          ✕
        </button>
      </div>
      {canEdit && (
        <form className="history-save" onSubmit={save}>
          <label htmlFor="version-name">Name this version</label>
          <div className="row">
            {/* Uncontrolled, read on every input event: Firefox under automation fills without React noticing a controlled value. */}
            <input ref={input} id="version-name" defaultValue="" onInput={(e) => setName(e.currentTarget.value)} maxLength={200} placeholder="e.g. Sent for review" required />
            <button type="submit" disabled={history.busy || !name.trim()}>
              Save version
            </button>
          </div>
        </form>
      )}
      {history.message && (
        <p className={history.message.kind === 'error' ? 'alert' : 'notice'} role={history.message.kind === 'error' ? 'alert' : 'status'}>
          {history.message.text}
        </p>
      )}
      {history.versions === null ? (
        <p className="field-hint" aria-busy="true">
          Loading versions…
        </p>
      ) : history.versions.length === 0 ? (
        <p className="field-hint">No versions yet. One is saved automatically a little while after each burst of editing, and when the last person leaves.</p>
      ) : (
        <ol className="version-list" aria-label="Versions, newest first">
          {history.versions.map((v) => {
            const when = new Date(v.createdAt);
            return (
              <li key={v.id}>
                <button type="button" className="version-item" aria-current={selected === v.id ? 'true' : undefined} onClick={() => props.onSelect(v)}>
                  <time dateTime={when.toISOString()}>{when.toLocaleString()}</time>
                  <span className="version-name">{versionTitle(v)}</span>
                  <span className="version-editors">{v.editors.length ? `Edited by ${v.editors.map((e) => e.name).join(', ')}` : 'No edits since the previous version'}</span>
                </button>
              </li>
            );
          })}
        </ol>
      )}
    </aside>
  );
}
