// A durable KeelDB for a benchmark (benchmark process, main thread): three log nodes on
// free loopback ports, each in a directory of its own under the bench's workspace, and
// a server journaling to them. The durability benches (cpu-per-write, latency-breakdown)
// and bench/journal/hop-trace.ts each started this set by hand.
//
// Invariant: every process is started through the caller's ProcessGroup, so its
// stopAll() stops them; nothing here waits for them (the caller waits for PONG with
// `dead`, after starting as many clusters as it compares).

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, type Managed, type ProcessGroup } from '../endpoint/processes.js';

export interface DurableClusterOptions {
  /** The keeldb entry (bin/keeldb.js) the server runs... */
  readonly keeldb: string;
  /** ...and the one the log nodes run (default: the same). */
  readonly logNodeKeeldb?: string;
  /** The journal's shared secret (--secret / --journal-secret). */
  readonly secret: string;
  /** Names the processes `${label}-log-node-i` and the server `label`, the directories `${label}-node-i`; without: `log-node-i`, `server`, `node-i`. */
  readonly label?: string;
  /** Node's own flags before log node i's entry (--cpu-prof ...), i from 1. */
  readonly nodeArgs?: (id: number) => string[];
  /** Node's own flags before the server's entry. */
  readonly serverArgs?: readonly string[];
  /** Environment given to every process started here (they inherit process.env). */
  readonly env?: Readonly<Record<string, string>>;
  /** Environment given to the server only. */
  readonly serverEnv?: Readonly<Record<string, string>>;
}

export interface DurableCluster {
  /** The server's client port. */
  readonly port: number;
  readonly server: Managed;
  readonly nodes: readonly Managed[];
  /** The first process of the cluster that exited, with its output, or null (for waitForPong). */
  dead(): string | null;
}

/** Runs `start` with `env` added to process.env, which the children inherit, then restores it. */
function withEnv<T>(env: Readonly<Record<string, string>> | undefined, start: () => T): T {
  if (env === undefined) return start();
  const saved = Object.keys(env).map((k) => [k, process.env[k]] as const);
  Object.assign(process.env, env);
  try {
    return start();
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

export async function startDurableCluster(group: ProcessGroup, workDir: string, cwd: string, opts: DurableClusterOptions): Promise<DurableCluster> {
  const port = await freePort();
  const jports = [await freePort(), await freePort(), await freePort()];
  const addr = (i: number): string => `127.0.0.1:${jports[i]}`;
  const named = (name: string): string => (opts.label === undefined ? name : `${opts.label}-${name}`);
  const nodeBin = opts.logNodeKeeldb ?? opts.keeldb;
  return withEnv(opts.env, () => {
    const nodes: Managed[] = [];
    for (let i = 0; i < 3; i++) {
      const id = i + 1;
      const peers = [0, 1, 2].filter((j) => j !== i).map((j) => `${j + 1}=${addr(j)}`).join(',');
      const dir = join(workDir, named(`node-${id}`));
      mkdirSync(dir, { recursive: true });
      nodes.push(group.start(named(`log-node-${id}`), process.execPath, [...(opts.nodeArgs?.(id) ?? []), nodeBin, 'log-node', '--id', String(id),
        '--port', String(jports[i]), '--bind', '127.0.0.1', '--dir', dir, '--peers', peers, '--secret', opts.secret], cwd));
    }
    const server = withEnv(opts.serverEnv, () =>
      group.start(opts.label ?? 'server', process.execPath, [...(opts.serverArgs ?? []), opts.keeldb, 'server', '--port', String(port),
        '--bind', '127.0.0.1', '--journal', [0, 1, 2].map(addr).join(','), '--journal-secret', opts.secret], cwd));
    const dead = (): string | null => {
      for (const m of [server, ...nodes]) if (m.exitStatus() !== null) return `${m.name} ${m.exitStatus()}: ${m.output()}`;
      return null;
    };
    return { port, server, nodes, dead };
  });
}
