import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import * as Y from 'yjs';

/**
 * Editing traces from the shared data directory (josephg/editing-traces, CC BY 4.0; see its
 * README), used by path and never copied into the repository.
 */
export const TRACES_DIR =
  process.env.TANDEM_TRACES_DIR ?? path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../shared/data/editing-traces');

/** Fails with a clear message when the traces are not where this checkout expects them. */
export function requireTraces(): void {
  if (!fs.existsSync(TRACES_DIR)) {
    throw new Error(`editing traces not found at ${TRACES_DIR}: they live in ../shared/data/editing-traces next to the repository (or set TANDEM_TRACES_DIR)`);
  }
}

/** The "B4" trace: one author writing a paper, 259,778 single-character edits. */
export const B4_TRACE = path.join(TRACES_DIR, 'automerge-paper.json.gz');

/** Name of the Y.Text that replays fill. */
export const TRACE_TEXT = 'text';

/** One edit: at code point `pos`, delete `del` code points, then insert `ins`. */
export type Patch = [pos: number, del: number, ins: string];

export interface SequentialTrace {
  startContent: string;
  endContent: string;
  txns: { time?: string; patches: Patch[] }[];
}

export function readTrace(file: string): SequentialTrace {
  if (!fs.existsSync(file)) throw new Error(`editing trace not found at ${file} (expected the shared data directory next to the repository)`);
  return JSON.parse(zlib.gunzipSync(fs.readFileSync(file)).toString('utf8')) as SequentialTrace;
}

/** True when every character is in the Basic Multilingual Plane, so code points are UTF-16 units. */
function bmpOnly(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) return false;
  }
  return true;
}

/**
 * Replays the trace into `text` one patch at a time (each patch one Yjs transaction, as a
 * keystroke would be). Positions are code points; Y.Text counts UTF-16 units, so traces with
 * characters outside the BMP are refused rather than replayed wrongly.
 */
export function replay(trace: SequentialTrace, text: Y.Text): void {
  const doc = text.doc;
  if (!doc) throw new Error('replay needs a Y.Text that belongs to a Y.Doc');
  const check = (s: string) => {
    if (!bmpOnly(s)) throw new Error('trace has characters outside the BMP; code point offsets would need mapping');
  };
  check(trace.startContent);
  if (trace.startContent) text.insert(0, trace.startContent);
  for (const txn of trace.txns) {
    for (const [pos, del, ins] of txn.patches) {
      check(ins);
      doc.transact(() => {
        if (del > 0) text.delete(pos, del);
        if (ins) text.insert(pos, ins);
      });
    }
  }
}

/** The whole trace replayed into a fresh document with client id `clientId`, as one update. */
export function traceState(trace: SequentialTrace, clientId: number): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  replay(trace, doc.getText(TRACE_TEXT));
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}

/**
 * Replays the trace into a fresh Y.Doc and returns one Yjs update per patch, in order, as a
 * client would have sent them, with the document's final text.
 */
export function traceUpdates(trace: SequentialTrace): { updates: Uint8Array[]; text: string } {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  const text = doc.getText(TRACE_TEXT);
  replay(trace, text);
  const result = { updates, text: text.toString() };
  doc.destroy();
  return result;
}
