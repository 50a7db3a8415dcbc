// `keeldb up` (main thread of the `up` process): the embedded default, what `npm start`
// runs. Three log nodes and one server on this host, each its own child process under
// the Supervisor (supervisor.ts), which restarts a child that dies:
//
//   log-node 1  --port J1 --dir <dir>/node-1   (loopback only)
//   log-node 2  --port J2 --dir <dir>/node-2
//   log-node 3  --port J3 --dir <dir>/node-3
//   (each with --nice upLogNodeNiceLevel, 19: a lower CPU priority than the server's;
//   --log-node-nice changes it, 0 turns it off)
//   server      --port P --bind B --journal 127.0.0.1:J1,127.0.0.1:J2,127.0.0.1:J3
//               --server-cpulist auto (up's --server-cpulist; src/platform/cpu-affinity.ts)
//
// Ports: the server on --port (6379), the log nodes on --journal-ports, by default
// port+10000, port+10001, port+10002 (16379..16381), as Redis Cluster puts its bus on
// port+10000. With --port 0 every port is picked free by the OS once, at start, so a
// restarted child comes back on the same port.
//
// Output: the children's lines on stderr, prefixed `[name]`; once every child is ready
// (the server has loaded the journal and listens), one line on stdout:
//   `KeelDB up: ready on <bind>:<port> ...`
// SIGINT (Ctrl-C) or SIGTERM: stop every child (SIGTERM, SIGKILL after stopGraceMs), exit 0.
// A child that dies before it was ever ready upStartFailuresMax times (port in use, bad
// data directory...) stops everything: exit 1 instead of a silent crash loop.
//
// Invariants: the log nodes listen on 127.0.0.1 only (the journal is never exposed,
// whatever --bind says); at most one `up` runs per data directory (<dir>/up.pid); when
// runUp's stop resolves, no child runs.

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { upLogNodeNiceLevel } from '../limits.js';
import { formatServerCpuList, type ServerCpuList } from '../platform/cpu-affinity.js';
import { Supervisor, type ChildSpec } from './supervisor.js';

/** The log nodes' default ports are the server's plus this (and +1, +2). */
export const journalPortOffset = 10_000;
/** Deaths before the first ready after which `up` gives up instead of looping. */
const upStartFailuresMax = 3;
const logNodeCount = 3;

export interface UpOptions {
  /** Data directory: the log nodes keep their logs in <dir>/node-1..3. */
  readonly dir: string;
  /** The Redis port (0: pick a free one). */
  readonly port: number;
  /** The address the server listens on (the log nodes always use 127.0.0.1). */
  readonly bind: string;
  /** Ports of log nodes 1..3; default port+10000..port+10002. */
  readonly journalPorts?: readonly number[];
  readonly journalSecret: string;
  /** The log nodes' nice level (default upLogNodeNiceLevel; 0 keeps the server's priority). */
  readonly logNodeNice?: number;
  /** The server's --server-cpulist (default 'auto', src/platform/cpu-affinity.ts); the log nodes are never pinned. */
  readonly serverCpulist?: ServerCpuList;
}

/** Ports fixed for the life of one `up`. */
export interface UpPorts {
  readonly server: number;
  readonly journal: readonly number[];
}

export interface RunningUp {
  readonly supervisor: Supervisor;
  readonly ports: UpPorts;
  /** Stops every child; resolves when none runs. */
  stop(): Promise<void>;
  /** Resolves when the server exited by itself with code 0 (SHUTDOWN). */
  readonly serverFinished: Promise<void>;
}

/** The log nodes' default ports for a server port (throws if they leave the port range). */
export function defaultJournalPorts(port: number): number[] {
  const ports = [0, 1, 2].map((i) => port + journalPortOffset + i);
  if (ports[2]! > 65535) {
    throw new Error(`--port ${port}: the default log-node ports port+10000..port+10002 pass 65535; give --journal-ports a,b,c`);
  }
  return ports;
}

/**
 * The four children: log nodes 1..3 (node i in <dir>/node-i), at nice level
 * `logNodeNice` (src/platform/cpu-priority.ts: the log stands for other machines, so the
 * server's threads come first on this host), and the server.
 */
export function upChildSpecs(dir: string, bind: string, ports: UpPorts, secret: string, logNodeNice = upLogNodeNiceLevel, serverCpuList: ServerCpuList = 'auto'): ChildSpec[] {
  const nodeAddress = (i: number): string => `127.0.0.1:${ports.journal[i]}`;
  const specs: ChildSpec[] = [];
  for (let i = 0; i < logNodeCount; i++) {
    const peers = [0, 1, 2].filter((j) => j !== i).map((j) => `${j + 1}=${nodeAddress(j)}`);
    specs.push({
      name: `log-node-${i + 1}`,
      args: ['log-node', '--id', String(i + 1), '--port', String(ports.journal[i]), '--bind', '127.0.0.1',
        '--dir', join(dir, `node-${i + 1}`), '--peers', peers.join(','), '--secret', secret, '--nice', String(logNodeNice)],
      readyPattern: /^log-node \d+ listening on /,
    });
  }
  specs.push({
    name: 'server',
    args: ['server', '--port', String(ports.server), '--bind', bind,
      '--journal', [0, 1, 2].map(nodeAddress).join(','), '--journal-secret', secret,
      '--server-cpulist', formatServerCpuList(serverCpuList)],
    readyPattern: /Ready to accept connections/,
    // SHUTDOWN makes the server exit 0: that ends `up` (a crash restarts it).
    finalOnCleanExit: true,
  });
  return specs;
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolvePort(port));
    });
  });
}

async function choosePorts(opts: UpOptions): Promise<UpPorts> {
  const server = opts.port === 0 ? await freePort() : opts.port;
  let journal: number[];
  if (opts.journalPorts !== undefined) {
    journal = [...opts.journalPorts];
  } else if (opts.port === 0) {
    journal = [await freePort(), await freePort(), await freePort()];
  } else {
    journal = defaultJournalPorts(opts.port);
  }
  if (journal.length !== logNodeCount) throw new Error(`--journal-ports: give ${logNodeCount} ports, got ${journal.length}`);
  if (journal.some((p) => p === 0)) throw new Error('--journal-ports: a log node needs a fixed port (not 0): it restarts on it');
  const all = [server, ...journal];
  if (new Set(all).size !== all.length) throw new Error(`ports must differ: server ${server}, log nodes ${journal.join(',')}`);
  return { server, journal };
}

/** Takes <dir>/up.pid, refusing a directory another live `up` holds. */
function lockDir(dir: string): () => void {
  const pidFile = join(dir, 'up.pid');
  let other = NaN;
  try {
    other = Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    // no pid file: the directory is free
  }
  if (Number.isInteger(other) && other > 0 && other !== process.pid) {
    let alive = true;
    try {
      process.kill(other, 0);
    } catch (err) {
      alive = (err as NodeJS.ErrnoException).code === 'EPERM';
    }
    if (alive) throw new Error(`${dir} is in use by another keeldb up (pid ${other}); stop it first or give another --dir`);
  }
  writeFileSync(pidFile, `${process.pid}\n`);
  return () => {
    try {
      if (Number(readFileSync(pidFile, 'utf8').trim()) === process.pid) rmSync(pidFile, { force: true });
    } catch {
      // already gone
    }
  };
}

/**
 * Starts the three log nodes and the server and resolves once all are ready. Rejects
 * (having stopped everything) if a child keeps dying before it was ever ready.
 */
export async function startUp(opts: UpOptions, log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<RunningUp> {
  const dir = resolve(opts.dir);
  mkdirSync(dir, { recursive: true });
  const unlock = lockDir(dir);
  let ports: UpPorts;
  try {
    ports = await choosePorts(opts);
  } catch (err) {
    unlock();
    throw err;
  }
  const everReady = new Set<string>();
  const earlyDeaths = new Map<string, number>();
  let giveUp: ((reason: Error) => void) | null = null;
  const gaveUp = new Promise<never>((_, reject) => {
    giveUp = reject;
  });
  gaveUp.catch(() => undefined); // observed through Promise.race below
  const supervisor = new Supervisor(upChildSpecs(dir, opts.bind, ports, opts.journalSecret, opts.logNodeNice, opts.serverCpulist), (line) => {
    log(line);
    const died = /^\[supervisor\] (\S+) exited /.exec(line);
    if (died !== null && !everReady.has(died[1]!)) {
      const n = (earlyDeaths.get(died[1]!) ?? 0) + 1;
      earlyDeaths.set(died[1]!, n);
      if (n >= upStartFailuresMax) giveUp?.(new Error(`${died[1]} exited ${n} times before it was ever ready; see its output above`));
    }
  });
  for (const name of supervisor.names()) void supervisor.whenReady(name).then(() => everReady.add(name));
  const serverFinished = new Promise<void>((resolveFinished) => {
    supervisor.onFinalExit = (name) => {
      if (name === 'server') resolveFinished();
    };
  });
  let stopped: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopped ??= supervisor.stop().finally(unlock);
    return stopped;
  };
  try {
    await Promise.race([supervisor.start(), gaveUp]);
  } catch (err) {
    await stop();
    throw err;
  }
  return { supervisor, ports, stop, serverFinished };
}

/** The `up` command: start, print the ready line, run until SIGINT/SIGTERM. */
export async function runUp(opts: UpOptions): Promise<void> {
  let running: RunningUp | null = null;
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) return; // a second Ctrl-C: the supervisor already escalates to SIGKILL
    signalled = true;
    process.stderr.write(`[up] ${signal}: stopping the server and the log nodes\n`);
    if (running === null) return; // startUp's caller below stops once start settles
    void running.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  running = await startUp(opts);
  if (signalled) {
    await running.stop();
    process.exit(0);
  }
  const finished = running;
  void finished.serverFinished.then(() => {
    process.stderr.write('[up] the server shut down (SHUTDOWN): stopping the log nodes\n');
    void finished.stop().then(() => process.exit(0));
  });
  const { server, journal } = running.ports;
  process.stdout.write(
    `KeelDB up: ready on ${opts.bind}:${server}; journal: log nodes on 127.0.0.1:${journal.join(',')}, ` +
      `data in ${resolve(opts.dir)} (Ctrl-C stops all)\n`,
  );
}
