// Test support (not a test): a `keeldb server --journal ...` child process from the
// TypeScript sources (tsx), on a free port, against a test Cluster of three log nodes
// (test/journal/process/cluster.ts). Resolves once the server printed its ready line;
// kill -9 and clean stop; output captured for failure messages.

import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { freePort } from '../support/ports.js';
import { clusterSecret, type Cluster } from '../journal/process/cluster.js';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'src/main/cli.ts');

export class DurableServer {
  output = '';
  private constructor(
    readonly port: number,
    readonly child: ChildProcess,
  ) {}

  static async start(cluster: Cluster, extra: string[] = [], port?: number): Promise<DurableServer> {
    const p = port ?? (await freePort());
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', cli, 'server', '--port', String(p), '--bind', '127.0.0.1', '--journal', cluster.addresses.join(','), '--journal-secret', clusterSecret, ...extra],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const server = new DurableServer(p, child);
    child.stdout!.on('data', (d: Buffer) => (server.output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (server.output += d.toString()));
    await new Promise<void>((resolveReady, reject) => {
      const onData = (): void => {
        if (server.output.includes('Ready to accept connections tcp')) {
          child.stdout!.off('data', onData);
          resolveReady();
        }
      };
      child.stdout!.on('data', onData);
      child.once('exit', (code, signal) => reject(new Error(`server exited (${code ?? signal}) before ready:\n${server.output}`)));
    });
    return server;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.running) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill(signal);
    await exited;
  }
}
