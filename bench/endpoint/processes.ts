// Child processes of the endpoint benchmark (bench/endpoint/run.ts, main thread of the
// benchmark process): the servers under test and each redis-benchmark run.
// Invariant: every process this group starts is stopped by stopAll(), which run.ts calls
// on success, on error and on SIGINT/SIGTERM/SIGHUP; a last-resort 'exit' hook SIGKILLs
// whatever is still alive if the benchmark process leaves any other way.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How long a process gets after SIGTERM before SIGKILL. */
const stopGraceMs = 3000;
/** Output kept per process, for error messages. */
const outputTailBytes = 4096;

export interface Managed {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** The last few KiB of its stdout and stderr. */
  output(): string;
  /** Set once it has exited: its code or signal. */
  exitStatus(): string | null;
  exited: Promise<void>;
}

export class ProcessGroup {
  private readonly live = new Set<Managed>();

  constructor() {
    process.on('exit', () => {
      for (const m of this.live) m.child.kill('SIGKILL');
    });
  }

  start(name: string, command: string, args: string[], cwd?: string): Managed {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (chunk: Buffer): void => {
      tail = (tail + chunk.toString('utf8')).slice(-outputTailBytes);
    };
    // Always drain the pipes: a child blocked on a full pipe would stall the benchmark.
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    let status: string | null = null;
    let spawnError: Error | null = null;
    child.once('error', (err) => {
      spawnError = err;
    });
    const exited = new Promise<void>((resolve) => {
      child.once('close', (code, signal) => {
        status = spawnError !== null ? `failed to start: ${spawnError.message}` : signal !== null ? `signal ${signal}` : `code ${code}`;
        this.live.delete(managed);
        resolve();
      });
    });
    const managed: Managed = {
      name,
      child,
      pid: child.pid ?? -1,
      output: () => tail,
      exitStatus: () => status,
      exited,
    };
    this.live.add(managed);
    return managed;
  }

  /** Runs a process to completion; rejects on a non-zero exit or after timeoutMs. */
  async run(name: string, command: string, args: string[], timeoutMs: number): Promise<string> {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const managed: Managed = {
      name,
      child,
      pid: child.pid ?? -1,
      output: () => '',
      exitStatus: () => null,
      exited: Promise.resolve(),
    };
    this.live.add(managed);
    const chunks: Buffer[] = [];
    let errTail = '';
    child.stdout!.on('data', (c: Buffer) => chunks.push(c));
    child.stderr!.on('data', (c: Buffer) => {
      errTail = (errTail + c.toString('utf8')).slice(-outputTailBytes);
    });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`${name}: no result after ${timeoutMs} ms (killed)`));
        }, timeoutMs);
        child.once('error', (err) => {
          clearTimeout(timer);
          reject(new Error(`${name}: ${err.message}`));
        });
        child.once('close', (code, signal) => {
          clearTimeout(timer);
          if (code === 0) resolve();
          else reject(new Error(`${name}: exited with ${signal ?? `code ${code}`}: ${errTail.trim()}`));
        });
      });
    } finally {
      this.live.delete(managed);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  /** SIGTERM to everything still running, SIGKILL after a grace period; waits for all. */
  async stopAll(): Promise<void> {
    const all = [...this.live];
    await Promise.all(
      all.map(async (m) => {
        if (m.child.exitCode !== null || m.child.signalCode !== null) return;
        m.child.kill('SIGTERM');
        const timer = setTimeout(() => m.child.kill('SIGKILL'), stopGraceMs);
        await new Promise<void>((resolve) => {
          if (m.child.exitCode !== null || m.child.signalCode !== null) resolve();
          else m.child.once('exit', () => resolve());
        });
        clearTimeout(timer);
      }),
    );
    for (const m of all) this.live.delete(m);
  }
}

/** A TCP port free on 127.0.0.1 right now, below the ephemeral range, never 6379. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < freePortAttemptsMax; attempt++) {
    // Below the kernel's ephemeral range (32768-60999 here): a port listen(0) hands out is
    // one an outgoing connection (redis-benchmark's 50, the journal's) may take before the
    // child binds it, and the child then dies with EADDRINUSE mid-benchmark.
    const port = freePortLow + Math.floor(Math.random() * (freePortHigh - freePortLow));
    if (port === 6379) continue;
    const bound = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (bound) return port;
  }
  throw new Error(`freePort: no free port in ${freePortLow}-${freePortHigh} after ${freePortAttemptsMax} attempts`);
}

const freePortLow = 20_000;
const freePortHigh = 32_000;
const freePortAttemptsMax = 1000;

/** Resident set size of a process in bytes, from /proc/PID/status (VmRSS). */
export async function vmRssBytes(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (m === null) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(m[1]) * 1024;
}

/** A benchmark's scratch space: its child processes and a temporary directory. */
export interface BenchWorkspace {
  readonly group: ProcessGroup;
  readonly workDir: string;
  /** Stops every process started and removes the directory; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * A ProcessGroup and a fresh temporary directory (`prefix` + random) that are both gone
 * when stop() is called or the benchmark gets SIGINT, SIGTERM or SIGHUP (it then exits
 * 130), so that no server or log node outlives a benchmark someone interrupts.
 */
export function benchWorkspace(prefix: string, onSignal?: (sig: NodeJS.Signals) => void): BenchWorkspace {
  const group = new ProcessGroup();
  const workDir = mkdtempSync(join(tmpdir(), prefix));
  let stopped: Promise<void> | null = null;
  const stop = (): Promise<void> =>
    (stopped ??= group.stopAll().finally(() => rmSync(workDir, { recursive: true, force: true })));
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      onSignal?.(sig);
      void stop().finally(() => process.exit(130));
    });
  }
  return { group, workDir, stop };
}
