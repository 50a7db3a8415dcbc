// What the io-mux (main thread) hands the engine worker at start (workerData), and the
// named indexes of the small shared counter array both threads use. Imported by both
// threads; holds no code that runs at load.
//
// jumboCounters: an Int32Array over a SharedArrayBuffer of jumboCountersBytes:
//   index 0  repliesPosted  jumbo replies the worker posted (written by the worker only)
//   index 1  repliesTaken   jumbo replies the io-mux took (written by the io-mux only,
//                           which Atomics.notify-s it: the worker may wait on it)
// Invariant: 0 <= repliesPosted - repliesTaken <= jumboInFlightCountMax.

import type { MessagePort } from 'node:worker_threads';
import type { EngineOptions } from '../engine/engine.js';

export interface EngineWorkerData {
  requestRing: SharedArrayBuffer;
  replyRing: SharedArrayBuffer;
  jumboCounters: SharedArrayBuffer;
  /** The worker's end of the MessageChannel that carries jumbo records both ways. */
  port: MessagePort;
  engine: EngineOptions;
}

export const JumboCounter = {
  repliesPosted: 0,
  repliesTaken: 1,
} as const;

export const jumboCountersBytes = 8;
