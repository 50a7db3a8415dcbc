// `bin/keeldb.js <args>` as a child process for the CLI-level tests (test process; the
// child runs the build in dist/): its stdout and stderr gathered into one text, its
// exit code, and a wait for a line in that text. Each suite decides how its leftovers
// are stopped (killAll: SIGKILL for a plain server, SIGTERM for `up`, which stops its
// own children).

import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';

const keeldbBin = fileURLToPath(new URL('../../bin/keeldb.js', import.meta.url));

export interface KeeldbProcess {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output: () => string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

/** Starts keeldb with `args`; `started` collects every child for the suite's afterAll. */
export function spawnKeeldb(args: readonly string[], started: ChildProcess[]): KeeldbProcess {
  const child = spawn(process.execPath, [keeldbBin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** Signals every child of `started` that is still running. */
export function killAll(started: readonly ChildProcess[], signal: NodeJS.Signals): void {
  for (const p of started) if (p.exitCode === null && p.signalCode === null) p.kill(signal);
}

/** Waits until `what` matches the output; throws with the output if the child exits first or time runs out. */
export async function waitForOutput(what: RegExp, p: KeeldbProcess, deadlineMs = 40_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const m = what.exec(p.output());
    if (m !== null) return m;
    if (Date.now() > deadline || p.child.exitCode !== null) throw new Error(`no ${what} in the output:\n${p.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Whether something accepts TCP connections on 127.0.0.1:port now. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
