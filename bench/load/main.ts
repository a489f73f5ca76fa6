import { cold, fanout, idle, ingest, reconnect, rooms, seedStates, type Metrics } from './scenarios';
import type { Target } from './conn';

/**
 * The load generator process: `node --import tsx bench/load/main.ts '<job json>'`. Runs one
 * scenario against one server and prints `RESULT <json>` as its last line.
 */
export type Job =
  | { kind: 'fanout'; subscribers: number; seconds: number }
  | { kind: 'ingest'; window: number; doc?: number; limit?: number }
  | { kind: 'seed'; doc: string; copies: number }
  | { kind: 'cold'; doc: string; expectedLength: number }
  | { kind: 'idle'; connections: number; docs: number }
  | { kind: 'rooms'; docs: number; seconds: number }
  | { kind: 'reconnect'; connections: number; docs: number };

async function run(target: Target, job: Job): Promise<Metrics> {
  switch (job.kind) {
    case 'fanout':
      return fanout(target, job.subscribers, job.seconds);
    case 'ingest':
      return ingest(target, job.window, job);
    case 'seed':
      return seedStates(target, job.doc, job.copies);
    case 'cold':
      return cold(target, job.doc, job.expectedLength);
    case 'idle':
      return idle(target, job.connections, job.docs);
    case 'rooms':
      return rooms(target, job.docs, job.seconds);
    case 'reconnect':
      return reconnect(target, job.connections, job.docs);
  }
}

const { target, job } = JSON.parse(process.argv[2]) as { target: Target; job: Job };
run(target, job).then(
  (m) => {
    process.stdout.write(`RESULT ${JSON.stringify(m)}\n`);
    process.exit(0);
  },
  (err) => {
    process.stdout.write(`RESULT ${JSON.stringify({ failed: String(err?.message ?? err) })}\n`);
    process.exit(1);
  },
);
