import { pathToFileURL } from 'node:url';
import { openStorage, type Storage } from '../../lib/storage';
import { readTrace, traceUpdates } from './traces';

export interface SeedResult {
  rows: number;
  /** The highest update id written. */
  lastId: number;
  /** Whether replaying the trace gave exactly its `endContent`. */
  replayMatches: boolean;
  endContent: string;
}

/** Appends every edit of the trace as its own row of the document's update log, in batches. */
export async function seedTrace(storage: Storage, documentId: string, traceFile: string): Promise<SeedResult> {
  const trace = readTrace(traceFile);
  const { updates, text } = traceUpdates(trace);
  for (let i = 0; i < updates.length; i += 5000) {
    await storage.updates.append(updates.slice(i, i + 5000).map((data) => ({ documentId, data })), Date.now());
  }
  return { rows: updates.length, lastId: await storage.updates.lastId(documentId), replayMatches: text === trace.endContent, endContent: trace.endContent };
}

/**
 * Run as `node --import tsx server/test/seed-trace.ts <sqliteFile> <documentId> <traceFile>`:
 * seeds in a process of its own and prints the result as JSON, so that the hundreds of MB
 * of garbage a big trace leaves behind never burden the heap of a test that measures pauses.
 */
async function main(): Promise<void> {
  const [file, documentId, traceFile] = process.argv.slice(2);
  const storage = await openStorage({ sqliteFile: file, migrate: false });
  const result = await seedTrace(storage, documentId, traceFile);
  await storage.close();
  process.stdout.write(JSON.stringify(result));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
