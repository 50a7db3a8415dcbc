// What /proc says about every thread of a process (test process, Linux): the CPU-placement
// tests read each thread's affinity list from /proc/PID/task/TID/status.

import { readdirSync, readFileSync } from 'node:fs';

/** Cpus_allowed_list of every thread of pid, with how many threads have each. */
export function threadCpuLists(pid: number): Map<string, number> {
  const lists = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const m = /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8'));
      if (m !== null) lists.set(m[1]!, (lists.get(m[1]!) ?? 0) + 1);
    } catch {
      // the thread ended meanwhile
    }
  }
  return lists;
}

/** This process's own Cpus_allowed_list (what a child inherits). */
export function ownCpuList(): string {
  return /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))![1]!;
}
