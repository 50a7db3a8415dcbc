// The nemesis of the torture harness (main thread of the harness): injects one fault
// at a time on a seeded schedule, holds it, heals it, waits, and picks the next.
//
//   kill       kill -9 of the server, of one log node, of two, or of everything at once;
//              the victims stay down for a while, then are restarted
//   pause      SIGSTOP of the server or of one log node for longer than the clients'
//              timeout and the server's journal commit timeout, then SIGCONT
//   partition  between the server and the log nodes, through the proxies: cut, drop
//              (black hole) or one-way on one, two or all three links, or a delay on
//              every link
//
// The nemeses take turns (each once per round, in a seeded order). Every fault is logged with its start and end time (ms since the run started).
//
// Invariants: at most one fault is active; heal() leaves every proxy passing, every
// process continued and every killed process restarted.

import { type Cluster, logNodeNames, serverName } from './cluster.js';
import type { Rng } from './rng.js';
import { sleep } from './workloads.js';

export type NemesisName = 'kill' | 'pause' | 'partition';
export const nemesisNames: readonly NemesisName[] = ['kill', 'pause', 'partition'];

export interface FaultRecord {
  readonly startMs: number;
  endMs: number;
  readonly nemesis: NemesisName;
  readonly description: string;
}

export interface NemesisOptions {
  readonly nemeses: readonly NemesisName[];
  /** Quiet time between two faults, ms (uniform in [min, max]). */
  readonly intervalMsMin: number;
  readonly intervalMsMax: number;
  /** How long a fault is held (kill: down time; partition), uniform in [min, max]. */
  readonly holdMsMin: number;
  readonly holdMsMax: number;
  /** A pause lasts at least this (longer than the client and commit timeouts). */
  readonly pauseMsMin: number;
  /** --canary: every fault is a kill -9 of the server (the fault that loses writes without a journal). */
  readonly canary: boolean;
}

export class Nemesis {
  readonly faults: FaultRecord[] = [];
  private stopRequested = false;
  private round: NemesisName[] = [];

  constructor(
    private readonly cluster: Cluster,
    private readonly rng: Rng,
    private readonly opts: NemesisOptions,
    private readonly now: () => number,
    private readonly log: (line: string) => void,
  ) {}

  /** Runs faults until `untilMs` (or stop()), then heals. */
  async run(untilMs: number): Promise<void> {
    try {
      while (!this.stopRequested) {
        await sleep(this.rng.int(this.opts.intervalMsMin, this.opts.intervalMsMax));
        if (this.stopRequested || this.now() >= untilMs) break;
        await this.one();
      }
    } finally {
      await this.heal();
    }
  }

  stop(): void {
    this.stopRequested = true;
  }

  heal(): Promise<void> {
    return this.cluster.healAll();
  }

  private async one(): Promise<void> {
    const nemesis = this.opts.canary ? 'kill' : this.nextNemesis();
    const hold = this.rng.int(this.opts.holdMsMin, this.opts.holdMsMax);
    const sup = this.cluster.supervisor;
    const fault = (description: string): FaultRecord => {
      const record: FaultRecord = { startMs: this.now(), endMs: NaN, nemesis, description };
      this.faults.push(record);
      this.log(`[nemesis] ${record.startMs.toFixed(0)} ms: ${description}`);
      return record;
    };
    const end = (record: FaultRecord): void => {
      record.endMs = this.now();
      this.log(`[nemesis] ${record.endMs.toFixed(0)} ms: healed ${record.description}`);
    };
    switch (nemesis) {
      case 'kill': {
        const choice = this.opts.canary ? 'server' : this.rng.pick(['server', 'one node', 'two nodes', 'everything']);
        const victims =
          choice === 'server' ? [serverName]
          : choice === 'one node' ? [this.rng.pick(logNodeNames)]
          : choice === 'two nodes' ? this.twoNodes()
          : [...logNodeNames, serverName];
        const record = fault(`kill -9 ${victims.join(', ')} for ${hold} ms`);
        for (const v of victims) this.cluster.kill(v);
        await sleep(hold);
        await Promise.all(victims.map((v) => this.cluster.restart(v)));
        // A kill ends when its victims serve again (the server replays the journal).
        await Promise.race([Promise.all(victims.map((v) => sup.whenReady(v))), sleep(30_000)]);
        end(record);
        return;
      }
      case 'pause': {
        const victim = this.rng.next() < 0.5 ? serverName : this.rng.pick(logNodeNames);
        const ms = this.opts.pauseMsMin + this.rng.int(0, 1000);
        const record = fault(`SIGSTOP ${victim} for ${ms} ms`);
        sup.signal(victim, 'SIGSTOP');
        await sleep(ms);
        sup.signal(victim, 'SIGCONT');
        end(record);
        return;
      }
      case 'partition': {
        const proxies = this.cluster.proxies;
        const kind = this.rng.pick(['cut', 'drop', 'oneway-up', 'oneway-down', 'delay'] as const);
        if (kind === 'delay') {
          const delay = this.rng.int(20, 300);
          const record = fault(`delay ${delay} ms on every server-log link for ${hold} ms`);
          for (const p of proxies) p.setDelayMs(delay);
          await sleep(hold);
          for (const p of proxies) p.heal();
          end(record);
          return;
        }
        const count = this.rng.int(1, 3);
        const chosen = count === 3 ? [0, 1, 2] : count === 2 ? this.twoNodes().map((n) => logNodeNames.indexOf(n)) : [this.rng.int(0, 2)];
        const record = fault(`${kind} server <-> ${chosen.map((i) => logNodeNames[i]).join(', ')} for ${hold} ms`);
        for (const i of chosen) proxies[i]!.setMode(kind);
        await sleep(hold);
        for (const i of chosen) proxies[i]!.heal();
        end(record);
        return;
      }
    }
  }

  /** Each nemesis once per round, in a seeded order: a short run still sees them all. */
  private nextNemesis(): NemesisName {
    if (this.round.length === 0) {
      this.round = [...this.opts.nemeses];
      for (let i = this.round.length - 1; i > 0; i--) {
        const j = this.rng.int(0, i);
        [this.round[i], this.round[j]] = [this.round[j]!, this.round[i]!];
      }
    }
    return this.round.pop()!;
  }

  private twoNodes(): (typeof logNodeNames)[number][] {
    const spared = this.rng.int(0, 2);
    return logNodeNames.filter((_, i) => i !== spared);
  }
}
