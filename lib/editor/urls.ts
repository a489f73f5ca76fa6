/**
 * Which addresses a document may hold. Links may point to the web or an email address; images
 * only to the web. Anything else (javascript:, data:, file:, relative paths that would resolve
 * against Tandem itself) is refused wherever a URL enters the document: typed, pasted, or
 * received from another client.
 */
const LINK_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);
const IMAGE_PROTOCOLS = new Set(['http:', 'https:']);

function parse(raw: string): URL | null {
  try {
    return new URL(raw.trim());
  } catch {
    return null;
  }
}

/** The link target if it is allowed, else null. */
export function safeLinkUrl(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const url = parse(raw);
  return url && LINK_PROTOCOLS.has(url.protocol) ? url.href : null;
}

/** The image source if it is allowed, else null. */
export function safeImageUrl(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const url = parse(raw);
  return url && IMAGE_PROTOCOLS.has(url.protocol) ? url.href : null;
}

/**
 * What a person typed into a link field, as an address: `example.com` becomes
 * `https://example.com`, an email address becomes `mailto:`. Returns null if not allowed.
 */
export function normalizeLinkInput(input: string): string | null {
  const s = input.trim();
  if (!s) return null;
  if (/^[^\s@/:]+@[^\s@/]+\.[^\s@/]+$/.test(s)) return safeLinkUrl(`mailto:${s}`);
  if (!/^[a-z][a-z0-9+.-]*:/i.test(s)) return safeLinkUrl(`https://${s}`);
  return safeLinkUrl(s);
}
