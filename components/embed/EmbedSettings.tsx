'use client';

import { useCallback, useRef, useState } from 'react';
import { api } from '@/lib/client/api';

interface KeyInfo {
  id: string;
  label: string;
  createdAt: number;
  revokedAt: number | null;
}
interface Settings {
  allowedOrigins: string[];
  role: 'editor' | 'viewer';
  keys: KeyInfo[];
}
type Status = { kind: 'idle' } | { kind: 'busy' } | { kind: 'ok'; text: string } | { kind: 'error'; text: string };

/**
 * The owner's embedding settings in the share dialog: which sites may embed the document, the
 * role of their visitors, and the integration keys their backends sign tokens with. Loaded when
 * opened; a new key's secret is shown once.
 */
export function EmbedSettings({ documentId }: { documentId: string }) {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [origins, setOrigins] = useState('');
  const [role, setRole] = useState<'editor' | 'viewer'>('viewer');
  const [label, setLabel] = useState('');
  const [secret, setSecret] = useState<{ id: string; secret: string } | null>(null);
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const base = `/api/documents/${documentId}/embed`;
  const requested = useRef(false);

  /** Reloads settings and keys; the form fields only on the first load, so typing is never overwritten. */
  const load = useCallback(
    async (fillForm: boolean) => {
      try {
        const s = await api<Settings>(base);
        setSettings(s);
        if (fillForm) {
          setOrigins(s.allowedOrigins.join('\n'));
          setRole(s.role);
        }
      } catch (e) {
        requested.current = false;
        setStatus({ kind: 'error', text: (e as Error).message });
      }
    },
    [base],
  );

  const run = async (what: () => Promise<void>, done: string) => {
    setStatus({ kind: 'busy' });
    try {
      await what();
      setStatus({ kind: 'ok', text: done });
    } catch (e) {
      setStatus({ kind: 'error', text: (e as Error).message });
    }
  };

  const save = () =>
    run(async () => {
      const allowedOrigins = origins.split(/[\s,]+/).map((o) => o.trim()).filter(Boolean);
      const saved = await api<{ allowedOrigins: string[]; role: 'editor' | 'viewer' }>(base, { method: 'PUT', body: { allowedOrigins, role } });
      setOrigins(saved.allowedOrigins.join('\n'));
      setRole(saved.role);
      await load(false);
    }, 'Embedding settings saved.');

  const createKey = () =>
    run(async () => {
      const k = await api<{ id: string; secret: string }>(`${base}/keys`, { method: 'POST', body: label.trim() ? { label: label.trim() } : {} });
      setSecret(k);
      setLabel('');
      await load(false);
    }, 'Key created. Copy its secret now: it is not shown again.');

  const revoke = (id: string) =>
    run(async () => {
      await api(`${base}/keys/${id}`, { method: 'DELETE' });
      if (secret?.id === id) setSecret(null);
      await load(false);
    }, 'Key revoked: its tokens no longer work and its visitors were disconnected.');

  return (
    <details
      className="embed-settings"
      onToggle={(e) => {
        if (!e.currentTarget.open || requested.current) return;
        requested.current = true;
        void load(true);
      }}
    >
      <summary>Embed on other sites</summary>
      {!settings ? (
        <p role="status">Loading…</p>
      ) : (
        <>
          <p className="muted">
            Document id <code data-testid="embed-document-id">{documentId}</code>. See docs/EMBED.md for the snippet.
          </p>
          <label htmlFor="embed-origins">Sites allowed to embed it (exact origins, one per line)</label>
          <textarea id="embed-origins" rows={3} value={origins} placeholder="https://www.example.com" onChange={(e) => setOrigins(e.target.value)} />
          <div className="share-add">
            <div>
              <label htmlFor="embed-role">Their visitors can</label>
              <select id="embed-role" value={role} onChange={(e) => setRole(e.target.value as 'editor' | 'viewer')}>
                <option value="viewer">View</option>
                <option value="editor">Edit</option>
              </select>
            </div>
            <button type="button" onClick={save} disabled={status.kind === 'busy'}>
              Save embedding
            </button>
          </div>
          <h4>Integration keys</h4>
          <ul className="embed-keys" aria-label="Integration keys">
            {settings.keys.length === 0 && <li className="muted">No keys yet.</li>}
            {settings.keys.map((k) => (
              <li key={k.id} data-testid="embed-key" data-key-id={k.id}>
                <span>
                  {k.label} <code>{k.id}</code> · created {new Date(k.createdAt).toLocaleDateString()}
                  {k.revokedAt !== null && ' · revoked'}
                </span>
                {k.revokedAt === null && (
                  <button type="button" className="danger" onClick={() => revoke(k.id)} aria-label={`Revoke key ${k.label}`}>
                    Revoke
                  </button>
                )}
              </li>
            ))}
          </ul>
          {secret && (
            <div className="notice" data-testid="embed-new-key">
              <label htmlFor="embed-secret">Secret of the new key (shown once; keep it in your server, never in a page)</label>
              <input id="embed-secret" readOnly value={`${secret.id}:${secret.secret}`} onFocus={(e) => e.currentTarget.select()} style={{ width: '100%' }} />
            </div>
          )}
          <div className="share-add">
            <div>
              <label htmlFor="embed-key-label">New key label</label>
              <input id="embed-key-label" value={label} maxLength={80} placeholder="Integration key" onChange={(e) => setLabel(e.target.value)} />
            </div>
            <button type="button" onClick={createKey} disabled={status.kind === 'busy'}>
              Create key
            </button>
          </div>
        </>
      )}
      {(status.kind === 'ok' || status.kind === 'error') && (
        <p className={status.kind === 'error' ? 'alert' : 'notice'} role={status.kind === 'error' ? 'alert' : 'status'}>
          {status.text}
        </p>
      )}
    </details>
  );
}
