// Test support (not a test): three real log-node processes on free loopback ports, each
// in its own temporary directory, started from the TypeScript sources through tsx (no
// build needed). Kill -9, SIGTERM, restart, and stderr capture for assertions.
// Every process and directory it creates is removed by stopAll().

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { JournalClient } from '../../../src/journal/client/journal-client.js';
import { RecordType } from '../../../src/journal/record-types.js';

const root = resolve(import.meta.dirname, '../../..');
const cli = join(root, 'src/main/cli.ts');
export const clusterSecret = 'test-cluster-secret';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

export interface NodeProcess {
  readonly id: number;
  readonly port: number;
  readonly dir: string;
  child: ChildProcess | undefined;
  /** Everything the node wrote to stderr, across restarts. */
  stderr: string;
}

export class Cluster {
  readonly nodes: NodeProcess[] = [];
  private root = '';

  static async start(): Promise<Cluster> {
    const c = new Cluster();
    c.root = await mkdtemp(join(tmpdir(), 'keeldb-journal-proc-'));
    for (const id of [1, 2, 3]) c.nodes.push({ id, port: await freePort(), dir: join(c.root, `node-${id}`), child: undefined, stderr: '' });
    await Promise.all(c.nodes.map((n) => c.startNode(n.id)));
    return c;
  }

  get addresses(): string[] {
    return this.nodes.map((n) => `127.0.0.1:${n.port}`);
  }

  node(id: number): NodeProcess {
    return this.nodes[id - 1]!;
  }

  /** Starts (or restarts) a node and resolves once it listens. */
  async startNode(id: number): Promise<void> {
    const n = this.node(id);
    const peers = this.nodes.filter((p) => p.id !== id).map((p) => `${p.id}=127.0.0.1:${p.port}`).join(',');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', cli, 'log-node', '--id', String(id), '--port', String(n.port), '--dir', n.dir, '--peers', peers, '--secret', clusterSecret],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    n.child = child;
    child.stderr!.on('data', (d: Buffer) => (n.stderr += d.toString()));
    await new Promise<void>((resolveListen, reject) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('listening on')) resolveListen();
      });
      child.once('exit', (code, signal) => reject(new Error(`log node ${id} exited (${code ?? signal}) before listening:\n${n.stderr}`)));
    });
  }

  /** kill -9. */
  async kill(id: number): Promise<void> {
    await this.signal(id, 'SIGKILL');
  }

  /** SIGTERM: a clean stop. */
  async stop(id: number): Promise<void> {
    await this.signal(id, 'SIGTERM');
  }

  private async signal(id: number, signal: NodeJS.Signals): Promise<void> {
    const child = this.node(id).child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
    this.node(id).child = undefined;
  }

  /** The node that logged itself leader most recently among the running ones (by log lines). */
  isRunning(id: number): boolean {
    const child = this.node(id).child;
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.nodes.map((n) => this.kill(n.id)));
    if (this.root) await rm(this.root, { recursive: true, force: true });
  }
}

export async function waitFor(cond: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Waits (up to 30 s, retrying) until a log leader accepts a first leadership record
 * with `payload` after the log's tail; returns its id, the token later appends go after.
 */
export async function firstLeadership(client: JournalClient, payload: string): Promise<number> {
  let token = 0;
  await waitFor(async () => {
    try {
      const { tailId } = await client.tail();
      token = (await client.append([{ type: RecordType.leadership, engineVersion: 1, payload: Buffer.from(payload) }], { afterId: tailId })).lastId;
      return true;
    } catch {
      return false;
    }
  }, 30_000, 'a log leader');
  return token;
}

/** The running node whose latest role line says leader, in the highest term (0 if none). */
export function currentLeader(cluster: Cluster): number {
  let best = 0;
  let bestTerm = -1;
  for (const n of cluster.nodes) {
    if (!cluster.isRunning(n.id)) continue;
    const lines = [...n.stderr.matchAll(/role: (\w+) in term (\d+)/g)];
    const last = lines[lines.length - 1];
    if (last && last[1] === 'leader' && Number(last[2]) > bestTerm) {
      best = n.id;
      bestTerm = Number(last[2]);
    }
  }
  return best;
}
