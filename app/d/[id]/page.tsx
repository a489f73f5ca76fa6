import type { Metadata } from 'next';
import { notFound, redirect } from 'next/navigation';
import { DocumentEditor } from '@/components/editor/DocumentEditor';
import { colorFor } from '@/lib/colors';
import { getConfig } from '@/lib/config';
import { isId } from '@/lib/ids';
import { appStorage } from '@/lib/server/storage';
import { currentSession } from '@/lib/server/session';

type Props = { params: Promise<{ id: string }>; searchParams: Promise<{ link?: string | string[] }> };

/** The tab shows the document's title to people who may read it, and nothing to others. */
export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { id } = await params;
  const session = await currentSession();
  if (!session || !isId(id)) return { title: 'Document' };
  const access = await (await appStorage()).documents.access(id, session.user.id);
  return { title: access?.role ? access.document.title : 'Document' };
}

export default async function DocumentPage({ params, searchParams }: Props) {
  const { id } = await params;
  const link = [(await searchParams).link].flat()[0];
  const session = await currentSession();
  if (!session) {
    const back = link ? `/d/${id}?link=${encodeURIComponent(link)}` : `/d/${id}`;
    redirect(`/login?next=${encodeURIComponent(back)}`);
  }
  if (!isId(id)) notFound();
  const storage = await appStorage();
  const now = Date.now();
  if (link) {
    // Record the visit through the link, then drop the secret from the address bar.
    const granted = await storage.links.redeem(id, session.user.id, link, now);
    const access = await storage.documents.access(id, session.user.id);
    if (granted || access?.role) redirect(`/d/${id}`);
    if (!access) notFound();
    return (
      <div className="card" role="alert">
        <h1>This link no longer works</h1>
        <p>The owner turned off link sharing or reset the link. Ask them for a new link or to share the document with {session.user.email}.</p>
      </div>
    );
  }
  const access = await storage.documents.access(id, session.user.id);
  if (!access) notFound();
  if (!access.role) {
    return (
      <div className="card" role="alert">
        <h1>You need access</h1>
        <p>You are signed in as {session.user.email}, which has no access to this document. Ask its owner to share it with you.</p>
      </div>
    );
  }
  if (access.via === 'invite') await storage.members.acceptInvite(id, session.user.id, session.user.email, now);
  const { user } = session;
  return (
    <DocumentEditor
      documentId={id}
      initialTitle={access.document.title}
      role={access.role}
      user={{ id: user.id, name: user.name, color: colorFor(user.id) }}
      collabUrl={getConfig().collabUrl}
    />
  );
}
