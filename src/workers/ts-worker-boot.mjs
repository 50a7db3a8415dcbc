// Boot file for a worker started from TypeScript sources (vitest, tsx; main thread's
// spawn.ts picks it). Node 20 does not pass the parent's loader hooks to a worker and
// ignores `--import tsx` in a worker's execArgv, so the worker loads the .ts entry
// through tsx's scoped tsImport. The build (dist/) never uses this file.
import { workerData } from 'node:worker_threads';

const { tsImport } = await import('tsx/esm/api');
await tsImport(workerData.tsEntry, import.meta.url);
