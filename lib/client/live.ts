import type { LiveEvent } from '../protocol/live';
import { liveUrl } from '../protocol/live';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting';

/**
 * Follows the collaboration server's live stream for document lists. EventSource reconnects by
 * itself (the server sets `retry`); the status says whether the list is current.
 */
export function followLive(collabUrl: string, on: { event(e: LiveEvent): void; status(s: LiveStatus): void }): () => void {
  const source = new EventSource(liveUrl(collabUrl), { withCredentials: true });
  const handle = (m: MessageEvent<string>) => {
    try {
      on.event(JSON.parse(m.data) as LiveEvent);
    } catch {
      // A malformed event is ignored; the next full refresh corrects the list.
    }
  };
  for (const type of ['presence', 'title', 'access'] satisfies LiveEvent['type'][]) source.addEventListener(type, handle);
  source.onopen = () => on.status('live');
  source.onerror = () => on.status('reconnecting');
  on.status('connecting');
  return () => source.close();
}
