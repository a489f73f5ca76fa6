/** Parses a `Cookie` request header into name → value (first occurrence wins). */
export function parseCookies(header: string | null | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!name || out.has(name)) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      out.set(name, decodeURIComponent(value));
    } catch {
      out.set(name, value);
    }
  }
  return out;
}

export interface CookieOptions {
  maxAgeSeconds?: number;
  secure: boolean;
  httpOnly?: boolean;
  sameSite?: 'Lax' | 'Strict' | 'None';
  /** CHIPS: the browser keeps the cookie per top-level site (requires Secure). */
  partitioned?: boolean;
}

/** Serialises a `Set-Cookie` value. Path is always `/` (required by the `__Host-` prefix). */
export function serializeCookie(name: string, value: string, o: CookieOptions): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, 'Path=/'];
  if (o.maxAgeSeconds !== undefined) parts.push(`Max-Age=${Math.max(0, Math.floor(o.maxAgeSeconds))}`);
  if (o.httpOnly !== false) parts.push('HttpOnly');
  parts.push(`SameSite=${o.sameSite ?? 'Lax'}`);
  if (o.secure) parts.push('Secure');
  if (o.partitioned) parts.push('Partitioned');
  return parts.join('; ');
}
