// Bootstrap for TypeScript worker threads in benchmarks, run in the worker thread itself.
// Node 20 ignores `--import tsx` in a Worker's execArgv, so the worker registers tsx's
// ESM loader itself and then imports the .ts module named by argv[2] (a file URL).
import { register } from 'tsx/esm/api';

register();
await import(process.argv[2]);
