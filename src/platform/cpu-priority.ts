// Lowers the CPU priority (raises the nice level) of this whole process: a log node
// started by `keeldb up` calls it first thing, from its main thread.
//
// Why: `keeldb up` runs the three log nodes, which stand for machines in other
// availability zones, on the server's own host. There they compete with the server's
// io-mux and engine threads for the same cores, and a read that touches no pending write
// then queues behind the log's CPU work although, in the deployment they simulate, the
// log costs the primary none. With the log nodes at a lower priority the kernel runs the
// server's threads first and gives the log nodes every cycle those leave; a log node is
// mostly waiting for its disk and its peers, so writes lose little (the runs are in
// limits.ts at upLogNodeNiceLevel).
//
// Linux keeps a nice level per thread (setpriority(PRIO_PROCESS, tid) changes one
// thread), and a thread inherits its creator's level when it is created. Node starts its
// V8 platform threads before any JS runs, so changing the main thread alone would leave
// them (garbage collection helpers) at the old level: every thread listed in
// /proc/self/task is changed. Threads created later (libuv's pool, on first use)
// inherit the main thread's new level. Elsewhere only the calling thread is changed.
//
// Invariant: it only ever lowers the priority (a nice level above the current one needs
// no privilege), so it cannot fail for want of one; a thread that ended meanwhile is
// skipped.

import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { assert } from '../assert.js';
import { niceLevelMax } from '../limits.js';

/** A nice level as a command line gives it: decimal digits, 0..niceLevelMax; throws the rule otherwise. */
export function parseNiceLevel(text: string): number {
  const n = /^[0-9]{1,3}$/.test(text) ? Number(text) : NaN;
  if (!(n >= 0 && n <= niceLevelMax)) throw new Error(`must be an integer from 0 to ${niceLevelMax}`);
  return n;
}

/** Sets every thread of this process to nice level `level` (0..niceLevelMax) where it was lower; returns how many threads it changed. */
export function lowerProcessPriority(level: number): number {
  assert(Number.isInteger(level) && level >= 0 && level <= niceLevelMax, 'nice level out of range');
  let tids: number[];
  try {
    tids = readdirSync('/proc/self/task').map(Number).filter((tid) => Number.isInteger(tid) && tid > 0);
  } catch {
    tids = [0]; // no /proc (not Linux): the calling thread (0 = self)
  }
  let changed = 0;
  for (const tid of tids) {
    try {
      if (getPriority(tid) >= level) continue; // never raise a priority
      setPriority(tid, level);
      changed++;
    } catch (err) {
      // ESRCH: the thread ended between the listing and now. Anything else is unexpected.
      if ((err as { info?: { code?: string } }).info?.code !== 'ESRCH') throw err;
    }
  }
  return changed;
}
