// What the io-mux (main thread) hands the engine worker at start (workerData), and the
// named indexes of the small shared counter array both threads use. Imported by both
// threads; holds no code that runs at load.
//
// jumboCounters: an Int32Array over a SharedArrayBuffer of jumboCountersBytes:
//   index 0  repliesPosted  jumbo replies the worker posted (written by the worker only)
//   index 1  repliesTaken   jumbo replies the io-mux took (written by the io-mux only,
//                           which Atomics.notify-s it: the worker may wait on it)
// Invariant: 0 <= repliesPosted - repliesTaken <= jumboInFlightCountMax.
//
// durability: the doorbell the engine parks on (bumped by the io-mux for requests and by
// the journal writer for commits and replay records) and committedSeq; see
// src/durability/shared-state.ts. With `journal`, the engine starts loading.

import type { MessagePort } from 'node:worker_threads';
import type { EngineOptions } from '../engine/engine.js';

export interface EngineWorkerData {
  requestRing: SharedArrayBuffer;
  replyRing: SharedArrayBuffer;
  jumboCounters: SharedArrayBuffer;
  /** The worker's end of the MessageChannel that carries jumbo records both ways. */
  port: MessagePort;
  engine: EngineOptions;
  /** The durable write path's shared state (src/durability/shared-state.ts): doorbell, committedSeq. */
  durability: SharedArrayBuffer;
  /** The control area shared with the io-mux (src/workers/control-area.ts): busy scripts, config it enforces. */
  control?: SharedArrayBuffer;
  /** Present with a journal: effects out (engine -> journal writer) and replay in (writer -> engine). */
  journal?: { effectsRing: SharedArrayBuffer; replayRing: SharedArrayBuffer };
}

export const JumboCounter = {
  repliesPosted: 0,
  repliesTaken: 1,
} as const;

export const jumboCountersBytes = 8;
