import { idle, reconnect } from './connections';
import { cold, fanout, ingest, rooms, seedStates, type Metrics } from './scenarios';
import type { Target } from './conn';

/**
 * The load generator process (bundled into .build/bench-load/main.mjs, see lib/load-process.ts).
 * Started ahead of time: prints `READY` once loaded, then reads one `{target, job}` JSON line
 * from stdin (or takes it as its argument), runs that scenario against one server and prints
 * `RESULT <json>` as its last line. A gated fan-out prints `WARM` after its warm-up and starts
 * measuring when `GO` comes on stdin; idle prints `TIMED` once its timed part is over.
 */
export type Job =
  | { kind: 'fanout'; subscribers: number; seconds: number; gated?: boolean; warmupMs?: number }
  | { kind: 'ingest'; window: number; doc?: number; limit?: number }
  | { kind: 'seed'; doc: string; copies: number }
  | { kind: 'cold'; doc: string; expectedLength: number }
  | { kind: 'idle'; connections: number; docs: number }
  | { kind: 'rooms'; docs: number; seconds: number }
  | { kind: 'reconnect'; connections: number; docs: number };

let buffered = '';
const lines: string[] = [];
let waiting: ((line: string) => void) | undefined;
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d: string) => {
  buffered += d;
  for (let i; (i = buffered.indexOf('\n')) >= 0; buffered = buffered.slice(i + 1)) lines.push(buffered.slice(0, i));
  if (waiting && lines.length) waiting(lines.shift()!);
});
// The harness went away (or never needed this spare process): nothing left to do.
process.stdin.on('end', () => process.exit(2));
const nextLine = () => new Promise<string>((res) => (lines.length ? res(lines.shift()!) : (waiting = (l) => ((waiting = undefined), res(l)))));

/** Gated fan-out: tell the harness the warm-up is done, measure once it says GO. */
async function gate(): Promise<void> {
  process.stdout.write('WARM\n');
  while ((await nextLine()) !== 'GO');
}

async function run(target: Target, job: Job): Promise<Metrics> {
  switch (job.kind) {
    case 'fanout':
      return fanout(target, job.subscribers, job.seconds, job.gated ? gate : undefined, job.warmupMs);
    case 'ingest':
      return ingest(target, job.window, job);
    case 'seed':
      return seedStates(target, job.doc, job.copies);
    case 'cold':
      return cold(target, job.doc, job.expectedLength);
    case 'idle':
      return idle(target, job.connections, job.docs, () => process.stdout.write('TIMED\n'));
    case 'rooms':
      return rooms(target, job.docs, job.seconds);
    case 'reconnect':
      return reconnect(target, job.connections, job.docs);
  }
}

async function main() {
  if (!process.argv[2]) process.stdout.write('READY\n');
  const { target, job } = JSON.parse(process.argv[2] ?? (await nextLine())) as { target: Target; job: Job };
  return run(target, job);
}

main().then(
  (m) => {
    process.stdout.write(`RESULT ${JSON.stringify(m)}\n`);
    process.exit(0);
  },
  (err) => {
    process.stdout.write(`RESULT ${JSON.stringify({ failed: String(err?.message ?? err) })}\n`);
    process.exit(1);
  },
);
