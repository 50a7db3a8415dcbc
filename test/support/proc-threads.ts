// What /proc says about every thread of a process (test process, Linux): the CPU-placement
// tests read each thread's affinity list from /proc/PID/task/TID/status.

import { readdirSync, readFileSync } from 'node:fs';

/** The Cpus_allowed_list line of a /proc status file (a process's or one thread's). */
export function cpuListOf(statusPath: string): string {
  const m = /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync(statusPath, 'utf8'));
  if (m === null) throw new Error(`${statusPath} has no Cpus_allowed_list`);
  return m[1]!;
}

/** Cpus_allowed_list of every thread of pid, with how many threads have each. */
export function threadCpuLists(pid: number): Map<string, number> {
  const lists = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let list: string;
    try {
      list = cpuListOf(`/proc/${pid}/task/${tid}/status`);
    } catch {
      continue; // the thread ended meanwhile
    }
    lists.set(list, (lists.get(list) ?? 0) + 1);
  }
  return lists;
}

/** This process's own Cpus_allowed_list (what a child inherits). */
export function ownCpuList(): string {
  return cpuListOf('/proc/self/status');
}
