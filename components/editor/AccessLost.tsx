import Link from 'next/link';

const TEXT: Record<number, { title: string; body: string }> = {
  4401: { title: 'You were signed out', body: 'Your session ended (you signed out, possibly on another device, or it expired). Log in again to keep working.' },
  4403: { title: 'You no longer have access to this document', body: 'Its owner removed your access or changed how it is shared. Ask them if you need it again.' },
  4404: { title: 'This document was deleted', body: 'Its owner deleted it. Nothing more can be saved to it.' },
};

/** Shown instead of the editor when the server ends the connection for good. */
export function AccessLost({ code, documentId }: { code: number; documentId: string }) {
  const t = TEXT[code] ?? TEXT[4403];
  return (
    <div className="card" role="alert" data-testid="access-lost" data-code={code}>
      <h1>{t.title}</h1>
      <p>{t.body}</p>
      <p>
        {code === 4401 ? <Link href={`/login?next=${encodeURIComponent(`/d/${documentId}`)}`}>Log in again</Link> : <Link href="/">Back to your documents</Link>}
      </p>
    </div>
  );
}
