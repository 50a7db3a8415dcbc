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
      const childLog = opts.log ?? (() => undefined);
      let cluster: Cluster | null = null;
      supervisor = new Supervisor(withProxies, (line) => {
        childLog(line);
        // A child that dies without the nemesis killing it has crashed: a finding.
        const died = /^\[supervisor\] (\S+) exited \((.*)\)$/.exec(line);
        if (died !== null && cluster !== null && !cluster.killed.has(died[1]!)) {
          cluster.unexpectedExits.push(`${died[1]} exited (${died[2]}) at ${new Date().toISOString()}`);
        }
      });
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
      cluster = new Cluster(dir, supervisor, proxies, serverPort);
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
  async healAll(): Promise<void> {
    for (const p of this.proxies) p.heal();
    for (const name of this.supervisor.names()) this.supervisor.signal(name, 'SIGCONT');
    await Promise.all(this.supervisor.names().map((name) => this.restart(name)));
  }

  /**
   * Restarts a killed child once its exit has been seen (Supervisor.restart is a no-op
   * while the dead process is still registered, which on a loaded machine can outlast
   * a short down time). A child that is running and was not killed is left alone.
   */
  async restart(name: string): Promise<void> {
    const pid = this.supervisor.pid(name);
    if (pid !== undefined) {
      let alive = true;
      try {
        process.kill(pid, 0);
      } catch {
        alive = false;
      }
      const killedAt = performance.now();
      // A live process that is not being killed: nothing to restart.
      if (alive && !this.killed.has(name)) return;
      while (this.supervisor.pid(name) !== undefined && performance.now() - killedAt < 10_000) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    this.killed.delete(name);
    this.supervisor.restart(name);
  }

  /** kill -9; the child stays down until restart(name). */
  kill(name: string): void {
    if (this.supervisor.signal(name, 'SIGKILL')) this.killed.add(name);
  }

  private readonly killed = new Set<string>();
  /** Children that died without being killed (crashes), with when. */
  readonly unexpectedExits: string[] = [];

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
