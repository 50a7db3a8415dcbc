// CPU time of a process and of its threads from /proc (benchmark process, main thread),
// for the load-independent benchmarks (cpu-per-request.ts, ../durability/cpu-per-write.ts):
// CPU µs per request barely depends on what else runs on the machine; ops/s does.

import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** The kernel's clock ticks per second (utime/stime are counted in them). */
const clockTicksPerSecond = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** utime+stime of a process or thread, in µs, from its stat file. */
export function cpuUs(statPath: string): number {
  const s = readFileSync(statPath, 'utf8');
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  // f[0] is field 3 (state): utime is field 14, stime field 15.
  return ((Number(f[11]) + Number(f[12])) * 1e6) / clockTicksPerSecond;
}

/**
 * Per-thread CPU µs: 'main' for the process's main thread, else the thread's name and
 * id (Node's worker threads are all named 'node'; the busiest of them is the engine).
 */
export function threadCpuUs(pid: number): Map<string, number> {
  const m = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = tid === String(pid) ? 'main' : `${readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim()}#${tid}`;
      m.set(name, cpuUs(`/proc/${pid}/task/${tid}/stat`));
    } catch {
      // the thread ended between readdir and read
    }
  }
  return m;
}
