// Starts the server's worker threads (called on the main thread by the server): the
// command engine, and with a journal the journal writer (src/durability/journal-writer.ts).
// From the build (dist/, `.js`) a worker runs the compiled entry (.js). When this
// file itself runs from TypeScript sources (vitest, tsx), the worker starts from
// ts-worker-boot.mjs, which loads the .ts entry through tsx (Node 20 workers do not
// inherit loader hooks and ignore `--import tsx` in execArgv), so tests need no build.
//
// Invariant: the rings, the counters and one end of the MessageChannel are handed over
// in workerData before the worker runs any code; the worker never starts without them.

import { Worker, type MessagePort, type ResourceLimits } from 'node:worker_threads';
import type { EngineWorkerData } from './worker-data.js';
import { engineYoungGenerationBytesMax } from '../limits.js';
import type { JournalWriterData } from '../durability/journal-writer.js';

/** A worker from `relative` (an entry path without extension, relative to this file). */
function spawnWorker(relative: string, name: string, data: object, transfer: MessagePort[], resourceLimits?: ResourceLimits): Worker {
  const fromSources = import.meta.url.endsWith('.ts');
  if (fromSources) {
    return new Worker(new URL('./ts-worker-boot.mjs', import.meta.url), {
      workerData: { ...data, tsEntry: new URL(`${relative}.ts`, import.meta.url).href },
      transferList: transfer,
      name,
      resourceLimits,
    });
  }
  return new Worker(new URL(`${relative}.js`, import.meta.url), { workerData: data, transferList: transfer, name, resourceLimits });
}

export function spawnJournalWriter(data: JournalWriterData): Worker {
  return spawnWorker('../durability/journal-writer', 'keeldb-journal-writer', data, []);
}

export function spawnEngineWorker(data: EngineWorkerData, transfer: MessagePort[]): Worker {
  // Per-command garbage dies young; a larger young generation scavenges less often but
  // each scavenge, which copies every SET value made since the last, pauses longer
  // (limits.ts engineYoungGenerationBytesMax: the trade, measured with bench/endpoint/latency-ab.ts).
  return spawnWorker('./engine-worker', 'keeldb-engine', data, transfer, {
    maxYoungGenerationSizeMb: engineYoungGenerationBytesMax / (1024 * 1024),
  });
}
