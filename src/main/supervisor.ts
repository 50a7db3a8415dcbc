// Supervisor (main thread of `keeldb up`, and of the fault-injection harness): runs
// child processes, restarts one that dies, and stops them all on request.
//
// Each child is a `keeldb` role started with `node bin/keeldb.js <args>`. Its output
// lines are echoed with a `[name]` prefix; a child counts as ready when a line matches
// its `readyPattern`. A child that exits while the supervisor runs is restarted after a
// backoff that doubles from restartBackoffMsMin to restartBackoffMsMax and resets once
// the child has stayed up for restartBackoffResetMs. The harness uses `signal()` for
// kill -9 and SIGSTOP/SIGCONT, and `setAutoRestart(false)` to choose when a child
// comes back.
//
// Invariants: at most one live process per child name; after stop() resolves, no child
// is running and none will be restarted.

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { assert } from '../assert.js';
import { restartBackoffMsMax, restartBackoffMsMin, restartBackoffResetMs, stopGraceMs } from '../limits.js';

export interface ChildSpec {
  readonly name: string;
  /** Arguments after `node bin/keeldb.js`. */
  readonly args: readonly string[];
  /** A stdout/stderr line that says the child is ready to serve. */
  readonly readyPattern: RegExp;
  /**
   * An exit with code 0 means the child chose to stop (the server after SHUTDOWN): it is
   * not restarted, and the supervisor's onFinalExit runs. A crash (signal, other code)
   * still restarts it.
   */
  readonly finalOnCleanExit?: boolean;
}

interface ChildState {
  readonly spec: ChildSpec;
  process: ChildProcess | null;
  ready: boolean;
  startedAtMs: number;
  backoffMs: number;
  restarts: number;
  readyWaiters: (() => void)[];
  restartTimer: NodeJS.Timeout | null;
}

// This module runs from dist/src/main (built) or src/main (tests on the sources).
const keeldbBin = fileURLToPath(
  new URL(import.meta.url.includes('/dist/src/') ? '../../../bin/keeldb.js' : '../../bin/keeldb.js', import.meta.url),
);

export class Supervisor {
  private readonly children = new Map<string, ChildState>();
  private stopping = false;
  private autoRestart = true;
  /** A child with finalOnCleanExit exited with code 0 (`keeldb up` then stops everything). */
  onFinalExit: ((name: string) => void) | null = null;

  constructor(
    specs: readonly ChildSpec[],
    private readonly log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  ) {
    for (const spec of specs) {
      assert(!this.children.has(spec.name), `duplicate child name ${spec.name}`);
      this.children.set(spec.name, {
        spec,
        process: null,
        ready: false,
        startedAtMs: 0,
        backoffMs: restartBackoffMsMin,
        restarts: 0,
        readyWaiters: [],
        restartTimer: null,
      });
    }
  }

  /** Starts every child and resolves when all of them are ready. */
  async start(): Promise<void> {
    for (const child of this.children.values()) this.launch(child);
    await Promise.all([...this.children.keys()].map((name) => this.whenReady(name)));
  }

  /** Resolves when the named child is (again) ready. */
  whenReady(name: string): Promise<void> {
    const child = this.get(name);
    if (child.ready) return Promise.resolve();
    return new Promise((resolve) => child.readyWaiters.push(resolve));
  }

  pid(name: string): number | undefined {
    return this.get(name).process?.pid;
  }

  restarts(name: string): number {
    return this.get(name).restarts;
  }

  names(): string[] {
    return [...this.children.keys()];
  }

  /** Sends a signal to a child (SIGKILL for kill -9, SIGSTOP/SIGCONT for pauses). */
  signal(name: string, signal: NodeJS.Signals): boolean {
    const p = this.get(name).process;
    return p !== null && p.exitCode === null && p.signalCode === null ? p.kill(signal) : false;
  }

  /** When off, a dead child stays down until restart(name). */
  setAutoRestart(on: boolean): void {
    this.autoRestart = on;
  }

  /** Starts a child that is down (no-op if it runs). */
  restart(name: string): void {
    const child = this.get(name);
    if (child.process === null && !this.stopping) this.launch(child);
  }

  /** Stops every child: SIGTERM, then SIGKILL after stopGraceMs. */
  async stop(): Promise<void> {
    this.stopping = true;
    const exits: Promise<void>[] = [];
    for (const child of this.children.values()) {
      if (child.restartTimer !== null) clearTimeout(child.restartTimer);
      const p = child.process;
      if (p === null || p.exitCode !== null || p.signalCode !== null) continue;
      exits.push(
        new Promise<void>((resolve) => {
          p.once('exit', () => resolve());
          p.kill('SIGCONT'); // a paused child cannot act on SIGTERM
          p.kill('SIGTERM');
          setTimeout(() => p.kill('SIGKILL'), stopGraceMs).unref();
        }),
      );
    }
    await Promise.all(exits);
  }

  private get(name: string): ChildState {
    const child = this.children.get(name);
    assert(child !== undefined, `no child named ${name}`);
    return child;
  }

  private launch(child: ChildState): void {
    assert(child.process === null, `${child.spec.name} is already running`);
    child.ready = false;
    child.startedAtMs = Date.now();
    const p = spawn(process.execPath, [keeldbBin, ...child.spec.args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.process = p;
    const onLine = (line: string): void => {
      this.log(`[${child.spec.name}] ${line}`);
      if (!child.ready && child.spec.readyPattern.test(line)) {
        child.ready = true;
        for (const w of child.readyWaiters.splice(0)) w();
      }
    };
    createInterface({ input: p.stdout! }).on('line', onLine);
    createInterface({ input: p.stderr! }).on('line', onLine);
    p.on('exit', (code, signal) => {
      child.process = null;
      child.ready = false;
      if (this.stopping) return;
      if (code === 0 && child.spec.finalOnCleanExit === true) {
        this.log(`[supervisor] ${child.spec.name} stopped cleanly (code 0): not restarting it`);
        this.onFinalExit?.(child.spec.name);
        return;
      }
      this.log(`[supervisor] ${child.spec.name} exited (${signal ?? `code ${code}`})`);
      if (Date.now() - child.startedAtMs > restartBackoffResetMs) child.backoffMs = restartBackoffMsMin;
      if (!this.autoRestart) return;
      const delay = child.backoffMs;
      child.backoffMs = Math.min(child.backoffMs * 2, restartBackoffMsMax);
      child.restartTimer = setTimeout(() => {
        child.restartTimer = null;
        if (this.stopping || child.process !== null) return;
        child.restarts++;
        this.log(`[supervisor] restarting ${child.spec.name}`);
        this.launch(child);
      }, delay);
    });
  }
}
