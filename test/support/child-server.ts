// Starts a server as a child process on a free port and waits until it answers PING
// (test process, main thread). Shared by the redis-server oracle and the KeelDB starter.
//
// Invariants: a started child is killed by stop() (SIGKILL after a grace period) or, at
// the latest, when this process exits; its temp dir is gone once it is ready; a child
// that exits before answering PING rejects start with its captured output, so a
// broken server fails the suite with a reason instead of a timeout. Ports are tried a
// few times because a free port can be taken between freePort() and the child's bind.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports.js';
import { RespConn } from './resp-conn.js';

export interface ServerHandle {
  /** 'redis' or 'keeldb': who answers on this port. */
  readonly kind: 'redis' | 'keeldb';
  readonly port: number;
  readonly pid: number;
  /** stdout and stderr captured so far, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export interface ChildServerSpec {
  kind: 'redis' | 'keeldb';
  command: string;
  args: (port: number, dir: string) => string[];
  /** Startup budget; a cold `node` start on a loaded box can take seconds. */
  startTimeoutMs?: number;
}

const bindAttemptCount = 3;
const pingPollMs = 50;
const stopGraceMs = 2_000;

export async function startChildServer(spec: ChildServerSpec): Promise<ServerHandle> {
  let lastError: Error | null = null;
  for (let attempt = 0; attempt < bindAttemptCount; attempt++) {
    const port = await freePort();
    try {
      return await startOnce(spec, port);
    } catch (err) {
      lastError = err as Error;
      if (!/EADDRINUSE|Address already in use/i.test(lastError.message)) throw lastError;
    }
  }
  throw lastError ?? new Error('startChildServer: no attempt made');
}

async function startOnce(spec: ChildServerSpec, port: number): Promise<ServerHandle> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `keeldb-test-${spec.kind}-`));
  const child = spawn(spec.command, spec.args(port, dir), {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString('utf8')));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString('utf8')));
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => {
    child.on('exit', () => {
      exited = true;
      resolve();
    });
    child.on('error', (err) => {
      output += `\nspawn error: ${err.message}`;
      exited = true;
      resolve();
    });
  });

  const stop = async (): Promise<void> => {
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        if (!exited) child.kill('SIGKILL');
      }, stopGraceMs);
      await exitPromise;
      clearTimeout(timer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (spec.startTimeoutMs ?? 20_000);
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`${spec.kind} exited before answering PING on port ${port}:\n${output}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${spec.kind} did not answer PING on port ${port} in time:\n${output}`);
    }
    if (await answersPing(port)) break;
    await new Promise((r) => setTimeout(r, pingPollMs));
  }
  // Nothing is persisted (redis: --save '' --appendonly no; KeelDB: --journal none), so
  // the dir is only a cwd: removing it now leaves nothing behind even if this test
  // process is killed before stop(). A child still running when this process exits
  // normally is killed by the exit hook.
  fs.rmSync(dir, { recursive: true, force: true });
  const onExit = (): void => {
    if (!exited) child.kill('SIGKILL');
  };
  process.once('exit', onExit);
  child.once('exit', () => process.off('exit', onExit));
  return handle(spec.kind, port, child, () => output, stop);
}

function handle(
  kind: 'redis' | 'keeldb',
  port: number,
  child: ChildProcess,
  output: () => string,
  stop: () => Promise<void>,
): ServerHandle {
  return { kind, port, pid: child.pid ?? -1, output, stop };
}

/** True once something on the port answers a RESP PING with any complete reply. */
export async function answersPing(port: number): Promise<boolean> {
  let conn: RespConn | null = null;
  try {
    conn = await RespConn.connect(port);
    // -NOAUTH also counts: the server is up, it just wants a password.
    await conn.send(['PING'], 1_000);
    return true;
  } catch {
    return false;
  } finally {
    conn?.close();
  }
}
