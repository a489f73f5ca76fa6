// next.config.mjs stays plain JavaScript (Next loads it before any TypeScript); this types it for tests.
declare module '*/next.config.mjs' {
  const config: import('next').NextConfig;
  export default config;
}
