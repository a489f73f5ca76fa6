import fs from 'node:fs';
import path from 'node:path';
import { B4_TRACE, TRACE_TEXT, TRACES_DIR, readTrace, requireTraces, traceState, traceUpdates } from '../../server/test/traces';

/**
 * Trace data for the bench (josephg/editing-traces, CC BY 4.0): read from the shared data
 * directory (`TANDEM_TRACES_DIR` overrides) and cached, replayed, under bench/.cache.
 */
export { TRACE_TEXT, TRACES_DIR };
export const CLOWNSCHOOL_TRACE = path.join(TRACES_DIR, 'clownschool_flat.json.gz');
export const B4_FINAL_LENGTH = 104_852;
/** Set for the bundled load generator, whose import.meta.url is the bundle's (see load-process.ts). */
export const CACHE = process.env.TANDEM_BENCH_CACHE ?? path.join(path.dirname(new URL(import.meta.url).pathname), '../.cache');

function writeFrames(file: string, frames: Uint8Array[]) {
  fs.mkdirSync(CACHE, { recursive: true });
  const parts: Buffer[] = [];
  for (const f of frames) {
    const len = Buffer.alloc(4);
    len.writeUInt32LE(f.length);
    parts.push(len, Buffer.from(f));
  }
  fs.writeFileSync(file + '.tmp', Buffer.concat(parts));
  fs.renameSync(file + '.tmp', file);
}

function readFrames(file: string): Uint8Array[] {
  const buf = fs.readFileSync(file);
  const out: Uint8Array[] = [];
  for (let at = 0; at < buf.length; ) {
    const len = buf.readUInt32LE(at);
    out.push(new Uint8Array(buf.buffer, buf.byteOffset + at + 4, len));
    at += 4 + len;
  }
  return out;
}

function cached(name: string, make: () => Uint8Array[]): Uint8Array[] {
  const file = path.join(CACHE, name);
  if (fs.existsSync(file)) return readFrames(file);
  requireTraces();
  const frames = make();
  writeFrames(file, frames);
  return frames;
}

/** The B4 trace as 259,778 Yjs updates, one per keystroke, as a client would send them. */
export function b4Updates(): Uint8Array[] {
  return cached('b4-updates.bin', () => {
    const { updates, text } = traceUpdates(readTrace(B4_TRACE));
    if (text.length !== B4_FINAL_LENGTH) throw new Error(`B4 replay produced ${text.length} characters, expected ${B4_FINAL_LENGTH}`);
    return updates;
  });
}

/**
 * `copies` whole B4 histories by different authors (client ids), each as one update: a
 * document whose stored history is `copies` times B4 (for cold-b4 in --full).
 */
export function b4States(copies: number): Uint8Array[] {
  return cached(`b4-states-${copies}.bin`, () => {
    const trace = readTrace(B4_TRACE);
    // Built with the repository's Yjs (server/test/traces.ts): importing bench/'s copy here
    // too loaded Yjs twice ("Yjs was already imported").
    return Array.from({ length: copies }, (_, i) => traceState(trace, 1_000_000 + i));
  });
}

/** Mean seconds between a person's transactions in the clownschool trace (gaps over 10 s are pauses). */
export function clownschoolPace(): { intervalMs: number; patches: [number, number, string][] } {
  const trace = readTrace(CLOWNSCHOOL_TRACE);
  let active = 0;
  let count = 0;
  let prev: number | undefined;
  const patches: [number, number, string][] = [];
  for (const t of trace.txns) {
    const at = t.time ? Date.parse(t.time) : NaN;
    if (prev !== undefined && Number.isFinite(at) && at - prev <= 10_000) {
      active += at - prev;
      count++;
    }
    if (Number.isFinite(at)) prev = at;
    for (const p of t.patches) patches.push(p);
  }
  return { intervalMs: count ? Math.max(20, (active / count)) : 250, patches };
}
