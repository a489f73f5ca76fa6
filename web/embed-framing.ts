import { isId } from '../lib/ids';

const EMBED_PATH = /^\/embed\/([^/?#]+)\/?$/;

/** The document id of an embed page path (`/embed/<id>`), or null for every other path. */
export function embedDocumentId(pathname: string): string | null {
  const m = EMBED_PATH.exec(pathname);
  if (!m) return null;
  try {
    const id = decodeURIComponent(m[1]);
    return isId(id) ? id : null;
  } catch {
    return null;
  }
}

/**
 * The `Content-Security-Policy` of an embed page: the document's allowed origins as
 * `frame-ancestors`, or `'none'` when it has none (or does not exist). Origins were validated
 * as exact origins when saved, so they cannot inject other directives.
 */
export function embedFramingPolicy(allowedOrigins: readonly string[]): string {
  const safe = allowedOrigins.filter((o) => /^https?:\/\/[A-Za-z0-9.\-[\]:]+$/.test(o));
  return `frame-ancestors ${safe.length ? safe.join(' ') : "'none'"}`;
}

/**
 * Wraps the web app's request handler: embed pages get their document's framing policy; every
 * other path is answered by Next with `frame-ancestors 'none'` (next.config.mjs). A failed
 * lookup refuses framing rather than failing open.
 */
export function withEmbedFraming<Req extends { url?: string }, Res extends { setHeader(name: string, value: string): unknown }>(
  handle: (req: Req, res: Res) => Promise<void>,
  allowedOrigins: (documentId: string) => Promise<readonly string[]>,
): (req: Req, res: Res) => Promise<void> {
  return async (req, res) => {
    const id = embedDocumentId(new URL(req.url ?? '/', 'http://app.invalid').pathname);
    if (id) {
      const origins = await allowedOrigins(id).catch((err: unknown) => {
        console.error('could not read the framing policy of', id, err);
        return [] as string[];
      });
      res.setHeader('Content-Security-Policy', embedFramingPolicy(origins));
    }
    return handle(req, res);
  };
}
