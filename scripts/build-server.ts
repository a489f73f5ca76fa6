import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

/**
 * Bundles the collaboration server and its two worker threads into plain JavaScript (our own
 * sources only; packages stay imports of node_modules). Under `node --import tsx`, every module
 * goes through tsx's loader thread, and each worker registers its own: the server took 3.5-6 s
 * to start, the bundle about half a second. Production (`npm start`) and the benchmarks run the
 * bundle; tests and `npm run dev` keep running the TypeScript directly.
 *
 * The workers are found next to the bundle: JobWorker is handed `new URL('./append-boot.mjs',
 * import.meta.url)` and `./worker-boot.mjs`, which in a bundle are relative to it. `outdir`
 * must be inside the repository (not under bench/): the bundle imports packages from the
 * repository's node_modules, found by walking up from where it is.
 */
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
export const SERVER_BUILD_DIR = path.join(ROOT, '.build', 'server');

/**
 * Bundles `entryPoints` (name → TypeScript file) into `outdir` as ES modules, our sources only;
 * each file is renamed into place whole, since several processes may build at once.
 */
export async function bundle(entryPoints: Record<string, string>, outdir: string): Promise<void> {
  const result = await build({
    entryPoints,
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
    write: false,
  });
  fs.mkdirSync(outdir, { recursive: true });
  for (const f of result.outputFiles) {
    const tmp = `${f.path}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, f.contents);
    fs.renameSync(tmp, f.path);
  }
}

/** The server (`main`, or another entry that starts it) with its two workers next to it. */
export function buildServer(outdir = SERVER_BUILD_DIR, main: { name: string; entry: string } = { name: 'main', entry: path.join(ROOT, 'server/main.ts') }): Promise<void> {
  return bundle(
    {
      [main.name]: main.entry,
      'append-boot': path.join(ROOT, 'server/append-worker.ts'),
      'worker-boot': path.join(ROOT, 'server/compaction/worker.ts'),
    },
    outdir,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildServer().then(
    () => console.log(`[tandem] collaboration server built into ${path.relative(process.cwd(), SERVER_BUILD_DIR)}`),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
