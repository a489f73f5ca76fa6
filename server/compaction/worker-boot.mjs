// Entry point of the compaction worker thread. Node 20 ignores `--import` in a worker's
// execArgv (nodejs/node#47747), so `execArgv: ['--import', 'tsx']` leaves the worker unable to
// load TypeScript. This plain-JS file registers tsx's loader inside the worker, then loads the
// real entry, the same way under Vitest and under `node --import tsx server/main.ts`.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
