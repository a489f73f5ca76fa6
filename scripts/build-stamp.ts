import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const INPUTS = ['app', 'components', 'lib', 'public', 'next.config.mjs', 'package-lock.json', 'tsconfig.json'];
const STAMP = path.join('.next', 'tandem-build-stamp');

function walk(p: string, out: string[]): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    return;
  }
  if (st.isDirectory()) {
    for (const name of fs.readdirSync(p).sort()) if (name !== 'node_modules') walk(path.join(p, name), out);
  } else {
    out.push(`${p}:${st.size}:${st.mtimeMs}`);
  }
}

/** A fingerprint of everything the Next.js build depends on (paths, sizes, mtimes). */
export function sourceFingerprint(root = process.cwd()): string {
  const entries: string[] = [];
  for (const i of INPUTS) walk(path.join(root, i), entries);
  return createHash('sha256').update(entries.join('\n')).digest('hex');
}

/** True when `.next` holds a production build of the current sources. */
export function buildIsFresh(root = process.cwd()): boolean {
  try {
    if (!fs.existsSync(path.join(root, '.next', 'BUILD_ID'))) return false;
    return fs.readFileSync(path.join(root, STAMP), 'utf8') === sourceFingerprint(root);
  } catch {
    return false;
  }
}

export function writeBuildStamp(root = process.cwd()): void {
  fs.writeFileSync(path.join(root, STAMP), sourceFingerprint(root));
}
