// Entry point of the append worker thread; registers tsx inside the worker for the same reason
// as compaction/worker-boot.mjs (Node 20 ignores `--import` in a worker's execArgv).
import { register } from 'tsx/esm/api';

register();
await import('./append-worker.ts');
