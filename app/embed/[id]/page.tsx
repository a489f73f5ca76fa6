import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { EmbedFrame } from '@/components/embed/EmbedFrame';
import { getConfig } from '@/lib/config';
import { isId } from '@/lib/ids';
import { appStorage } from '@/lib/server/storage';

type Props = { params: Promise<{ id: string }> };

export const metadata: Metadata = { title: 'Embedded document' };

/**
 * `/embed/<id>`: the document inside another site's page, without the app's chrome. Who may
 * frame it is the document's allowed origins (`Content-Security-Policy: frame-ancestors`,
 * set by web/embed-framing.ts); who may read or edit it is decided by the token the host
 * page passes in (see docs/EMBED.md). Nothing of the document is in this HTML.
 */
export default async function EmbedPage({ params }: Props) {
  const { id } = await params;
  if (!isId(id) || !(await (await appStorage()).documents.find(id))) notFound();
  return <EmbedFrame documentId={id} collabUrl={getConfig().collabUrl} />;
}
