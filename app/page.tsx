import Link from 'next/link';
import { DocumentList } from '@/components/documents/DocumentList';
import { getConfig } from '@/lib/config';
import { appStorage } from '@/lib/server/storage';
import { currentSession } from '@/lib/server/session';

export default async function HomePage() {
  const session = await currentSession();
  if (!session) {
    return (
      <section className="hero">
        <h1>Write together, in real time</h1>
        <p>Tandem is a shared document editor: see each other type, and know every edit is saved.</p>
        <div className="actions">
          <Link className="button primary" href="/signup">
            Sign up
          </Link>
          <Link className="button" href="/login">
            Log in
          </Link>
        </div>
      </section>
    );
  }
  const storage = await appStorage();
  const docs = await storage.documents.listForUser(session.user.id);
  return <DocumentList initial={docs.map((d) => ({ ...d, updatedAt: new Date(d.updatedAt).toISOString() }))} collabUrl={getConfig().collabUrl} />;
}
