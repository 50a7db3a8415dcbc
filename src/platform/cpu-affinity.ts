// The server process's CPU affinity (`keeldb server --server-cpulist`, Redis's
// `server_cpulist`): which CPUs its threads may run on. The main thread of the server
// process sets it first thing, before it starts any worker.
//
// Why `auto` keeps the server on one CPU of a small host: the io-mux (main thread) and
// the engine worker hand every batch to each other and mostly take turns: the main
// thread parks in epoll while the engine runs the batch, the engine parks while the
// main thread writes the replies. On a host with 2 CPUs, shared with the clients (and,
// under `keeldb up`, the log nodes), three busy parties float over two cores: each
// hand-off then wakes a thread on the other core (an inter-processor interrupt and a
// cold cache), and the scheduler keeps moving the client off the core it needs. Kept on
// one CPU, a hand-off is a switch on the same core, and the clients have the other.
// Measured with bench/endpoint/run.ts and bench/durability/run.ts, `auto` against
// `--server-cpulist none` (bench/RESULTS.md). On a larger host the two threads are
// better on cores of their own, so `auto` leaves the kernel to place them.
//
// The journal writer (with a journal) is the exception: a pipeline stage of its own that
// sends one group to the log while the engine executes the next, so under `auto` it
// widens its own thread back to every CPU the process had (setThreadCpus). Measured
// (bench/durability/run.ts, session 8): SET -P 16 116-156k/s with it floating against
// 104-149k with it pinned too, SET -P 1 alike; a small sample on a noisy machine, but
// nothing argued for pinning it.
//
// How: Linux keeps an affinity mask per thread and a new thread inherits its creator's.
// Node has no call for sched_setaffinity, so util-linux's `taskset -a -p` sets it for
// every thread that exists (V8's platform threads start before any JS); the workers and
// libuv's pool threads, created later by the main thread, inherit it.
//
// Invariants: a list is validated before use (parseCpuList); only CPUs this process may
// already use are chosen by `auto`; a failure to set an explicit list is an error, a
// failure under `auto` a warning (the server runs unpinned, as before).

import { execFileSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { cpuIndexMax, serverCpuAutoPinCpusMax } from '../limits.js';

/**
 * CPU indices of a list in taskset's and Redis's syntax: comma-separated `n`, `a-b` or
 * `a-b:stride`. Throws an Error saying what is wrong.
 */
export function parseCpuList(text: string): number[] {
  const cpus = new Set<number>();
  const parts = text.split(',');
  for (const raw of parts) {
    const part = raw.trim();
    const m = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(part);
    if (m === null) throw new Error(`'${part}' is not a CPU, a range a-b or a range with a stride a-b:s`);
    const first = Number(m[1]);
    const last = m[2] === undefined ? first : Number(m[2]);
    const stride = m[3] === undefined ? 1 : Number(m[3]);
    if (last < first) throw new Error(`range '${part}' ends before it starts`);
    if (stride < 1) throw new Error(`range '${part}' has a stride below 1`);
    if (last > cpuIndexMax) throw new Error(`CPU ${last} is above ${cpuIndexMax}`);
    for (let cpu = first; cpu <= last; cpu += stride) cpus.add(cpu);
  }
  return [...cpus].sort((a, b) => a - b);
}

/** The CPUs this process may run on (/proc/self/status Cpus_allowed_list); undefined off Linux. */
export function allowedCpus(): number[] | undefined {
  try {
    const m = /^Cpus_allowed_list:\s*(\S+)\s*$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m === null ? undefined : parseCpuList(m[1]!);
  } catch {
    return undefined;
  }
}

/** The CPU the calling thread last ran on (field 39 of /proc/thread-self/stat); undefined off Linux. */
export function currentCpu(): number | undefined {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpu = Number(fields[39 - 3]);
    return Number.isInteger(cpu) && cpu >= 0 ? cpu : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `auto`: on a host where this process may use at most serverCpuAutoPinCpusMax CPUs, the
 * one CPU the main thread runs on now (the kernel placed the new process on the least
 * busy one; servers started together spread out); else undefined (no pinning).
 */
export function autoServerCpus(allowed: readonly number[] | undefined, current: number | undefined): number[] | undefined {
  if (allowed === undefined || allowed.length > serverCpuAutoPinCpusMax) return undefined;
  if (allowed.length === 0) return undefined;
  return [current !== undefined && allowed.includes(current) ? current : allowed[allowed.length - 1]!];
}

/** Runs `taskset <args>`; throws an Error naming `what` and taskset's own complaint. */
function taskset(args: readonly string[], what: string): void {
  try {
    execFileSync('taskset', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? '').trim();
    throw new Error(`cannot set ${what} (taskset: ${stderr !== '' ? stderr : err instanceof Error ? err.message : String(err)})`);
  }
}

/** Restricts every thread of this process, and the threads it creates later, to `cpus`. */
export function setProcessCpus(cpus: readonly number[]): void {
  if (cpus.length === 0) throw new Error('no CPU given');
  taskset(['-a', '-p', '-c', cpus.join(','), String(process.pid)], `the CPU affinity to ${cpus.join(',')}`);
}

/** Restricts the calling thread alone (its tid from /proc/thread-self) to `cpus`. */
export function setThreadCpus(cpus: readonly number[]): void {
  if (cpus.length === 0) throw new Error('no CPU given');
  let tid: string;
  try {
    tid = readlinkSync('/proc/thread-self').split('/').pop()!;
  } catch (err) {
    throw new Error(`cannot find this thread's id (${(err as Error).message})`);
  }
  taskset(['-p', '-c', cpus.join(','), tid], `thread ${tid}'s CPU affinity to ${cpus.join(',')}`);
}

/** What --server-cpulist asks for: 'auto', 'none', or a validated list. */
export type ServerCpuList = 'auto' | 'none' | readonly number[];

/** --server-cpulist's value: 'auto', 'none' or a CPU list (parseCpuList's errors). */
export function parseServerCpuList(text: string): ServerCpuList {
  return text === 'auto' || text === 'none' ? text : parseCpuList(text);
}

/** The option's text for a ServerCpuList (what parseServerCpuList reads back). */
export function formatServerCpuList(choice: ServerCpuList): string {
  return typeof choice === 'string' ? choice : choice.join(',');
}

/** What applyServerCpuList did. */
export interface ServerCpuPlacement {
  /** The line to print at start; undefined when nothing was pinned and nothing asked. */
  readonly line: string | undefined;
  /**
   * `auto` only: the CPUs the journal-writer worker widens itself to (every CPU the
   * process had). The writer is a pipeline stage of its own, sending one group while
   * the engine executes the next, so it keeps the cores the io-mux and engine leave.
   */
  readonly journalWriterCpus: readonly number[] | undefined;
}

/**
 * Applies `choice` to this process (every thread, and those created later). Throws only
 * for an explicit list that cannot be set.
 */
export function applyServerCpuList(choice: ServerCpuList, withJournal: boolean): ServerCpuPlacement {
  if (choice === 'none') return { line: undefined, journalWriterCpus: undefined };
  if (choice === 'auto') {
    const allowed = allowedCpus();
    const cpus = autoServerCpus(allowed, currentCpu());
    if (cpus === undefined || allowed === undefined) return { line: undefined, journalWriterCpus: undefined };
    try {
      setProcessCpus(cpus);
    } catch (err) {
      return { line: `KeelDB: warning: ${(err as Error).message}; the server's threads run on any CPU`, journalWriterCpus: undefined };
    }
    const writer = withJournal ? `, the journal writer on ${allowed.join(',')}` : '';
    return {
      line: `KeelDB: the io-mux and the engine run on CPU ${cpus.join(',')}${writer} (--server-cpulist auto: ${allowed.length} CPU(s) here; 'none' lets them float)`,
      journalWriterCpus: withJournal ? allowed : undefined,
    };
  }
  setProcessCpus(choice);
  return { line: `KeelDB: the server's threads run on CPU ${choice.join(',')} (--server-cpulist)`, journalWriterCpus: undefined };
}
