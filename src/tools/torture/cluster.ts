// The system under test for the torture harness (main thread of the harness): the same
// three log nodes and server that `keeldb up` runs, started the same way (the child
// specs of src/main/up.ts under the Supervisor), except that the server reaches each
// log node only through a FaultProxy (src/tools/proxy), so the nemesis can partition
// the server from the log, and that the server's journal commit timeout is short so a
// pause or partition longer than it fails held writes within a short run.
//
// `journal: 'none'` (the canary) keeps the log nodes running but starts the server
// with `--journal none`: a kill -9 of the server then loses every acknowledged write.
//
// Invariants: auto-restart is off (the nemesis decides when a killed child comes back,
// so a schedule replays); after stop() resolves no child process and no proxy socket
// remains.

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Supervisor } from '../../main/supervisor.js';
import { upChildSpecs } from '../../main/up.js';
import { FaultProxy } from '../proxy/fault-proxy.js';

export const serverName = 'server';
export const logNodeNames = ['log-node-1', 'log-node-2', 'log-node-3'] as const;

export interface ClusterOptions {
  readonly journal: 'quorum' | 'none';
  /** --journal-commit-timeout-ms of the server. */
  readonly commitTimeoutMs: number;
  /** Child output lines (prefixed [name]); default: dropped. */
  readonly log?: (line: string) => void;
}

export class Cluster {
  private constructor(
    readonly dir: string,
    readonly supervisor: Supervisor,
    readonly proxies: readonly FaultProxy[],
    readonly serverPort: number,
  ) {}

  static async start(opts: ClusterOptions): Promise<Cluster> {
    const dir = mkdtempSync(join(tmpdir(), 'keeldb-torture-'));
    const proxies: FaultProxy[] = [];
    let supervisor: Supervisor | null = null;
    let exitHook: (() => void) | null = null;
    try {
      const serverPort = await freePort();
      const journalPorts = [await freePort(), await freePort(), await freePort()];
      const specs = upChildSpecs(dir, '127.0.0.1', { server: serverPort, journal: journalPorts }, 'keeldb-torture-secret');
      for (const port of journalPorts) {
        const proxy = new FaultProxy(port);
        await proxy.start();
        proxies.push(proxy);
      }
      const journalArg = opts.journal === 'none' ? 'none' : proxies.map((p) => `127.0.0.1:${p.port}`).join(',');
      const withProxies = specs.map((spec) => {
        if (spec.name !== serverName) return spec;
        const args = [...spec.args];
        const at = args.indexOf('--journal');
        args[at + 1] = journalArg;
        if (opts.journal !== 'none') args.push('--journal-commit-timeout-ms', String(opts.commitTimeoutMs));
        return { ...spec, args };
      });
      supervisor = new Supervisor(withProxies, opts.log ?? (() => undefined));
      supervisor.setAutoRestart(false);
      const sup = supervisor;
      // If the harness exits without stop() (Ctrl-C, an uncaught error), take the
      // children with it rather than leave a server and log nodes running.
      const onExit = (): void => {
        for (const name of sup.names()) {
          sup.signal(name, 'SIGCONT');
          sup.signal(name, 'SIGKILL');
        }
        rmSync(dir, { recursive: true, force: true });
      };
      exitHook = onExit;
      process.once('exit', onExit);
      await supervisor.start();
      const cluster = new Cluster(dir, supervisor, proxies, serverPort);
      cluster.onExit = onExit;
      return cluster;
    } catch (err) {
      if (supervisor !== null) await supervisor.stop();
      if (exitHook !== null) process.removeListener('exit', exitHook);
      for (const p of proxies) await p.close();
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** Heals every fault: proxies back to pass, paused children continued, dead ones restarted. */
  healAll(): void {
    for (const p of this.proxies) p.heal();
    for (const name of this.supervisor.names()) {
      this.supervisor.signal(name, 'SIGCONT');
      this.supervisor.restart(name);
    }
  }

  private onExit: (() => void) | null = null;

  async stop(): Promise<void> {
    if (this.onExit !== null) process.removeListener('exit', this.onExit);
    await this.supervisor.stop();
    for (const p of this.proxies) await p.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
