import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { AccountToken } from '@/components/embed/AccountToken';
import { currentSession } from '@/lib/server/session';

type Props = { params: Promise<{ id: string }>; searchParams: Promise<{ origin?: string | string[] }> };

export const metadata: Metadata = { title: 'Use your Tandem account' };

/**
 * `/d/<id>/embed-signin?origin=<host origin>`: opened as a popup by an embedded frame, on the
 * app's own site, where the account's session cookie is first-party. It mints a token for the
 * account and hands it to the frame that opened it (postMessage to the app's origin only).
 */
export default async function EmbedSignInPage({ params, searchParams }: Props) {
  const { id } = await params;
  const origin = [(await searchParams).origin].flat()[0] ?? '';
  const session = await currentSession();
  if (!session) redirect(`/login?next=${encodeURIComponent(`/d/${id}/embed-signin?origin=${encodeURIComponent(origin)}`)}`);
  return <AccountToken documentId={id} origin={origin} name={session.user.name} />;
}
