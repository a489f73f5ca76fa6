/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and server-only packages stay out of the bundle; Node loads them at run time.
  serverExternalPackages: ['better-sqlite3', '@node-rs/argon2', 'pino', 'pg'],
  poweredByHeader: false,
  reactStrictMode: true,
  turbopack: {
    // lib0 names Node's Buffer in code browsers never run; see lib/client/no-buffer.ts.
    resolveAlias: {
      buffer: { browser: './lib/client/no-buffer.ts' },
      'node:buffer': { browser: './lib/client/no-buffer.ts' },
      'next/dist/compiled/buffer': { browser: './lib/client/no-buffer.ts' },
    },
  },
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          // Share links carry a secret in the URL; it must never leave in a Referer header.
          { key: 'Referrer-Policy', value: 'same-origin' },
        ],
      },
      {
        // Every page refuses to be framed, except embedded documents: web/embed-framing.ts gives
        // /embed/<id> the document's own frame-ancestors.
        source: '/((?!embed/).*)',
        headers: [
          { key: 'Content-Security-Policy', value: "frame-ancestors 'none'" },
          { key: 'X-Frame-Options', value: 'DENY' },
        ],
      },
    ];
  },
};

export default nextConfig;
