/**
 * postMessage protocol between the host page's snippet (`public/embed.js`) and the frame
 * (`/embed/<id>`). Every message is an object whose `type` starts with `tandem:`. Tokens only
 * ever travel host → frame, addressed to the app's origin; the frame answers only its parent.
 */

export type EmbedEventName = 'ready' | 'saved' | 'error';

/** Frame → host. */
export type FrameMessage =
  | { type: 'tandem:token-request' }
  | { type: 'tandem:resize'; height: number }
  | { type: 'tandem:event'; name: EmbedEventName; detail: Record<string, unknown> };

/** Host → frame (and the sign-in popup → frame, for a Tandem account's own token). */
export type HostMessage = { type: 'tandem:token'; token: string } | { type: 'tandem:token-error'; message: string };

export function isHostMessage(data: unknown): data is HostMessage {
  if (!data || typeof data !== 'object') return false;
  const m = data as Record<string, unknown>;
  return (m.type === 'tandem:token' && typeof m.token === 'string') || (m.type === 'tandem:token-error' && typeof m.message === 'string');
}
