// Cross-process hop trace of journal appends, for bench/journal/hop-trace.ts only.
// Imported by the wire connection, the log node, Raft and the journal client, so it runs
// on a log-node process's main thread and on the journal-writer worker of a database.
//
// Off unless the environment variable KEELDB_JOURNAL_TRACE names a directory: then
// every call site is one branch on the module constant `hopTraceOn`, and nothing is
// allocated or timed. When on, each thread stamps events as text lines
// `<event> <index> <time µs>` into `<dir>/<role>-<pid>-<thread>.trace`, appended at
// most every flushIntervalMs and when the buffer grows (a worker's tail may be lost).
// Times are process.hrtime (CLOCK_MONOTONIC), comparable between processes of a host.
// `index` is a log index: an append's lastId, an AppendEntries' last entry, a
// follower's matchIndex, a commit index; events whose index is a peer's carry the peer
// id in the event name (`aeSent2`). The bench joins them by index: for an append with
// lastId L, a hop's time is that of the first event at or above L.
//
// Invariant: with tracing off, no call site changes what the node does.

import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';

const traceDir = process.env['KEELDB_JOURNAL_TRACE'] ?? '';
export const hopTraceOn = traceDir !== '';

const flushIntervalMs = 500;
const flushLinesMax = 4096;

let lines: string[] = [];
let role = 'proc';
let timer: NodeJS.Timeout | undefined;

/** Now, µs on CLOCK_MONOTONIC (only called while tracing). */
export function hopNowUs(): number {
  return Number(process.hrtime.bigint()) / 1000;
}

/** The time the chunk being handled was read (set by WireConnection when tracing). */
export let hopReadAtUs = 0;

export function setHopReadAt(us: number): void {
  hopReadAtUs = us;
}

/** Names this thread's trace file (`node2`, `client`); call before the first mark. */
export function setHopTraceRole(name: string): void {
  role = name;
}

/** Records `event index time` (time defaults to now). */
export function hopMark(event: string, index: number, atUs: number = hopNowUs()): void {
  lines.push(`${event} ${index} ${atUs.toFixed(1)}`);
  if (lines.length >= flushLinesMax) flushHopTrace();
  else if (timer === undefined) {
    timer = setTimeout(flushHopTrace, flushIntervalMs);
    timer.unref();
  }
}

/** Appends the buffered lines to this thread's file. */
export function flushHopTrace(): void {
  if (timer !== undefined) clearTimeout(timer);
  timer = undefined;
  if (!hopTraceOn || lines.length === 0) return;
  const text = lines.join('\n') + '\n';
  lines = [];
  appendFileSync(join(traceDir, `${role}-${process.pid}-${threadId}.trace`), text);
}

if (hopTraceOn) process.on('exit', flushHopTrace);
