// The deterministic simulation of a journal: N log nodes (real LogNode and Raft code)
// and several SimClients in one process, over a SimClock, a SimNetwork (loss, delay,
// reordering, duplication, partitions) and per-node simulated disks (a crash loses
// unsynced writes and may tear the last one), with crashes and restarts, all drawn from
// ONE seeded PRNG: the same seed replays the same run, event for event.
//
// A run: `durationMs` of faults and load, then a quiet phase (network healed, every node
// up, no new work) in which the cluster must converge; then the Checker compares every
// node's committed log with what clients were told. Invariants are also checked while
// the run goes (readers' entries, a periodic scan of each node's committed entries,
// leaders per term).
//
// Runs in a test process (test/journal/sim), single-threaded; used by the CI test, the
// soak (SIM_SOAK) and replays (SIM_SEED).

import { seededRandom, type JournalEnv, type Logger, type Random, type Transport } from '../env.js';
import type { ClientRequest, NodeId, PeerMessage } from '../messages.js';
import { LogNode } from '../node/log-node.js';
import type { LogEntry, LogStorage } from '../storage/types.js';
import { SegmentLog } from '../storage/segment-log.js';
import { SimDisk } from '../storage/sim-disk.js';
import { Checker } from './checker.js';
import { MemDisk, MemStorage } from './mem-storage.js';
import { SimClient } from './sim-client.js';
import { PausableClock, SimClock } from './sim-clock.js';
import { clientEndpointBase, SimNetwork, type NetworkFaults } from './sim-network.js';

export type Canary = 'ackBeforeSync' | 'skipAfterIdCheck' | 'leaderCountsUnsynced';

export interface SimOptions {
  readonly seed: number;
  readonly nodeCount?: number;
  readonly clientCount?: number;
  /** Simulated time with faults and load. */
  readonly durationMs?: number;
  /** Simulated quiet time at the end (must be enough to converge). */
  readonly quietMs?: number;
  /** A deliberate bug the run must catch (test only). */
  readonly canary?: Canary;
  /** Fault rates (defaults below). */
  readonly faults?: Partial<SimFaults>;
  /**
   * The node storage: 'segment' (default) is the real SegmentLog over SimDisk, so torn
   * frames and lost unsynced writes go through the real recovery code; 'mem' is the
   * simulator's own MemStorage (an independent model of the same contract).
   */
  readonly storage?: 'segment' | 'mem';
  /** Print node logs to stderr (debugging a seed). */
  readonly verbose?: boolean;
}

export interface SimFaults extends NetworkFaults {
  /** Per fault tick (every 100 simulated ms): probability to crash one running node. */
  crashRate: number;
  /** Per fault tick: probability to crash every node at once (a power loss). */
  crashAllRate: number;
  /** Per fault tick: probability to isolate one node from everyone. */
  partitionRate: number;
  /** Per fault tick: probability to pause one node's process (GC pause, SIGSTOP). */
  pauseRate: number;
  /** How long a pause lasts: uniform in [0, max] ms (beyond an election timeout at times). */
  pauseMsMax: number;
  /** How long a crashed node stays down / a partition lasts: uniform in [min, max] ms. */
  downMsMin: number;
  downMsMax: number;
}

const defaultFaults: SimFaults = {
  lossRate: 0.02,
  duplicateRate: 0.02,
  delayMsMin: 0.2,
  delayMsMax: 6,
  crashRate: 0.03,
  crashAllRate: 0.004,
  partitionRate: 0.03,
  pauseRate: 0.02,
  pauseMsMax: 1500,
  downMsMin: 100,
  downMsMax: 2500,
};

export interface SimResult {
  readonly seed: number;
  readonly violations: readonly string[];
  readonly ackedAppends: number;
  readonly terms: number;
  readonly crashes: number;
  readonly partitions: number;
  readonly pauses: number;
  readonly events: number;
  readonly tailChecks: number;
  readonly observedEntries: number;
  readonly finalCommitIndex: number;
  /** Leaders' own syncs by cause and commits counted on the followers' copies alone, summed over nodes and incarnations. */
  readonly leaderSyncs: { eager: number; lag: number; period: number; commitsOnFollowers: number };
}

/** A node's disk across crashes: makes a fresh storage per incarnation; crash() loses unsynced data. */
interface NodeDisk {
  open(): LogStorage;
  crash(): void;
}

interface SimNode {
  readonly id: NodeId;
  /** The node's process clock: pausable; its disk completions and deliveries go through it. */
  readonly clock: PausableClock;
  readonly disk: NodeDisk;
  node: LogNode | undefined;
  storage: LogStorage | undefined;
  raftHandler: ((from: NodeId, message: PeerMessage) => void) | undefined;
  /** Next id the periodic scan reads (this incarnation). */
  scanCursor: number;
  scanning: boolean;
}

export async function runSimulation(options: SimOptions): Promise<SimResult> {
  const seed = options.seed >>> 0;
  const nodeCount = options.nodeCount ?? 3;
  const clientCount = options.clientCount ?? 3;
  const durationMs = options.durationMs ?? 20_000;
  const quietMs = options.quietMs ?? 5_000;
  const faults: SimFaults = { ...defaultFaults, ...options.faults };
  const random: Random = seededRandom(seed);
  const clock = new SimClock();
  const network = new SimNetwork(clock, random, { ...faults });
  const checker = new Checker(() => clock.now());
  clock.onError = (error) => checker.violation(`exception: ${error instanceof Error ? error.stack : String(error)}`);
  const logger: Logger = options.verbose
    ? { log: (level, message) => process.stderr.write(`${clock.now().toFixed(1)} [${level}] ${message}\n`) }
    : { log: (level, message) => level === 'error' && checker.violation(`node error: ${message}`) };
  let crashes = 0;
  const leaderSyncLagMs = 2.5 * Math.max(6, faults.delayMsMax);
  const leaderSyncs = { eager: 0, lag: 0, period: 0, commitsOnFollowers: 0 };
  const addLeaderSyncs = (node: LogNode): void => {
    const s = node.leaderSyncStats;
    leaderSyncs.eager += s.eager;
    leaderSyncs.lag += s.lag;
    leaderSyncs.period += s.period;
    leaderSyncs.commitsOnFollowers += s.commitsOnFollowers;
  };
  let partitions = 0;
  let pauses = 0;
  const nodeIds: NodeId[] = [];
  for (let id = 1; id <= nodeCount; id++) nodeIds.push(id);

  const nodes = new Map<NodeId, SimNode>();
  const storageKind = options.storage ?? 'segment';
  const makeDisk = (clock: PausableClock): NodeDisk => {
    if (storageKind === 'mem') {
      const mem = new MemDisk({ clock, random });
      return { open: () => new MemStorage(mem), crash: () => mem.crash() };
    }
    const disk = new SimDisk({
      random: () => random.next(),
      // Durable operations (fdatasync, directory fsync, O_DSYNC writes) take 1-8 simulated
      // ms; the others complete in the same turn.
      delay: (op, complete) =>
        op === 'fdatasync' || op === 'syncDir' || op === 'pwriteDurable' ? clock.setTimer(1 + random.int(8), complete) : complete(),
    });
    return {
      // A view per incarnation: a crashed process's leftovers never touch its successor's disk.
      // Preallocation and inline writes on, as in a log-node process: zero fills race
      // with crashes, and writes after an idle gap (simulated ms) complete at once.
      open: () =>
        new SegmentLog(disk.view(), {
          segmentBytes: 8 * 1024,
          cacheBytes: 32 * 1024,
          preallocateBytes: 2 * 1024,
          inlineIdleMs: 3,
          now: () => clock.now(),
        }),
      crash: () => disk.crash(),
    };
  };
  for (const id of nodeIds) {
    const nodeClock = new PausableClock(clock);
    const disk = makeDisk(nodeClock);
    const sim: SimNode = { id, clock: nodeClock, disk, node: undefined, storage: undefined, raftHandler: undefined, scanCursor: 1, scanning: false };
    nodes.set(id, sim);
    network.listen(id, (from, message) =>
      nodeClock.run(() => {
        const node = sim.node;
        if (node === undefined || !node.isRunning) return;
        if (from >= clientEndpointBase) {
          node.handleClientRequest(message as ClientRequest, (response) => network.send(id, from, response));
        } else {
          sim.raftHandler?.(from, message as PeerMessage);
        }
      }),
    );
  }

  const startNode = (sim: SimNode): void => {
    const transport: Transport = {
      send: (to, message) => network.send(sim.id, to, message),
      onMessage: (handler) => {
        sim.raftHandler = handler;
      },
    };
    const env: JournalEnv = { clock: sim.clock, random, transport, logger };
    const storage = sim.disk.open();
    const node = new LogNode({
      id: sim.id,
      peers: nodeIds.filter((p) => p !== sim.id),
      storage,
      env,
      raft: {
        canaryAckBeforeSync: options.canary === 'ackBeforeSync',
        canaryLeaderCountsUnsynced: options.canary === 'leaderCountsUnsynced',
        // The lazy leader's bounds scaled to the simulated network and disk (by default
        // delays of 0.2-6 ms, syncs of 1-8 ms: a 15 ms lag): with the real 2 ms lag nearly
        // every append would wait it out and the leader would stay eager; these keep both
        // modes busy.
        leaderSyncLagMs: leaderSyncLagMs,
        leaderSyncPeriodMs: 3 * leaderSyncLagMs,
        leaderSyncTimerMs: leaderSyncLagMs,
      },
      canarySkipAfterIdCheck: options.canary === 'skipAfterIdCheck',
      onRoleChange: (role, term) => checker.onRoleChange(sim.id, role, term),
    });
    sim.node = node;
    sim.storage = storage;
    sim.scanCursor = 1;
    sim.scanning = false;
    network.setDown(sim.id, false);
    node.start().catch((error: unknown) => checker.violation(`node ${sim.id} failed to start: ${String(error)}`));
  };

  const crashNode = (sim: SimNode): void => {
    if (sim.node === undefined) return;
    crashes++;
    addLeaderSyncs(sim.node);
    sim.node.stop(false);
    if (sim.node.fatal !== undefined) checker.violation(`node ${sim.id} had stopped on: ${String(sim.node.fatal)}`);
    sim.node = undefined;
    sim.storage = undefined;
    sim.raftHandler = undefined;
    sim.clock.reset();
    sim.disk.crash();
    network.setDown(sim.id, true);
  };

  const downMs = (): number => faults.downMsMin + random.int(faults.downMsMax - faults.downMsMin + 1);
  let faultsOn = true;

  const faultTick = (): void => {
    if (!faultsOn) return;
    const running = [...nodes.values()].filter((n) => n.node !== undefined);
    if (random.next() < faults.crashAllRate) {
      for (const sim of running) crashNode(sim);
      for (const sim of running) clock.setTimer(downMs(), () => faultsOn && sim.node === undefined && startNode(sim));
    } else if (running.length > 0 && random.next() < faults.crashRate) {
      const sim = running[random.int(running.length)]!;
      crashNode(sim);
      clock.setTimer(downMs(), () => faultsOn && sim.node === undefined && startNode(sim));
    }
    if (random.next() < faults.partitionRate) {
      partitions++;
      const isolated = 1 + random.int(nodeCount);
      for (const other of nodeIds) if (other !== isolated) network.partition(isolated, other);
      for (let c = 0; c < clientCount; c++) if (random.next() < 0.5) network.partition(isolated, clientEndpointBase + c);
      clock.setTimer(downMs(), () => faultsOn && network.healAll());
    }
    if (random.next() < faults.pauseRate) {
      const sim = nodes.get(1 + random.int(nodeCount))!;
      if (!sim.clock.isPaused) {
        pauses++;
        sim.clock.pause();
        clock.setTimer(random.int(faults.pauseMsMax + 1), () => sim.clock.resume());
      }
    }
    clock.setTimer(100, faultTick);
  };

  // Periodic scan: every node's newly committed entries must match what was seen before.
  const scan = (): void => {
    for (const sim of nodes.values()) {
      const node = sim.node;
      const storage = sim.storage;
      if (node === undefined || storage === undefined || !node.isRunning || sim.scanning) continue;
      const from = Math.max(sim.scanCursor, storage.firstIndex);
      const to = node.commitIndex;
      if (from > to) continue;
      sim.scanning = true;
      storage.read(from, to, 1 << 20).then(
        (entries) => {
          sim.scanning = false;
          if (sim.node !== node) return;
          for (const entry of entries) checker.observeCommitted(entry, `scan of node ${sim.id}`);
          sim.scanCursor = from + entries.length;
        },
        () => {
          sim.scanning = false; // trimmed meanwhile: next scan starts at the new first id
        },
      );
    }
    clock.setTimer(250, scan);
  };

  for (const sim of nodes.values()) startNode(sim);
  const clients: SimClient[] = [];
  for (let c = 0; c < clientCount; c++) {
    const client = new SimClient(clientEndpointBase + c, c + 1, nodeCount, clock, random, network, checker);
    clients.push(client);
    client.start();
  }
  clock.setTimer(100, faultTick);
  clock.setTimer(250, scan);

  const tooManyViolations = (): boolean => checker.violations.length >= 20;
  await clock.runUntil(durationMs, tooManyViolations);

  // Quiet phase: heal, restart everyone, stop new work; the cluster must converge.
  faultsOn = false;
  network.healAll();
  network.faults = { ...network.faults, lossRate: 0, duplicateRate: 0 };
  for (const sim of nodes.values()) {
    if (sim.clock.isPaused) sim.clock.resume();
    if (sim.node === undefined) startNode(sim);
  }
  for (const client of clients) client.windDown();
  await clock.runUntil(durationMs + quietMs, tooManyViolations);
  for (const client of clients) client.stop();

  // Final comparison: every node's committed log against everything acknowledged.
  const logs = new Map<NodeId, { firstId: number; entries: LogEntry[] }>();
  let finalCommitIndex = 0;
  const commits: string[] = [];
  for (const sim of nodes.values()) {
    const node = sim.node;
    const storage = sim.storage;
    if (node === undefined || storage === undefined) continue;
    if (node.fatal !== undefined) checker.violation(`node ${sim.id} stopped on: ${String(node.fatal)}`);
    commits.push(`${sim.id}:${node.commitIndex}`);
    finalCommitIndex = Math.max(finalCommitIndex, node.commitIndex);
    const entries: LogEntry[] = [];
    for (let from = storage.firstIndex; from <= node.commitIndex; ) {
      const chunk = await storage.read(from, node.commitIndex, 1 << 20);
      entries.push(...chunk);
      from += chunk.length;
    }
    logs.set(sim.id, { firstId: storage.firstIndex, entries });
  }
  const leaders = [...nodes.values()].filter((n) => n.node?.role === 'leader').length;
  if (leaders !== 1) checker.violation(`after the quiet phase ${leaders} leaders (expected 1)`);
  if (new Set(commits.map((c) => c.split(':')[1])).size > 1) {
    checker.violation(`nodes did not converge on one commit index after the quiet phase: ${commits.join(' ')}`);
  }
  for (const client of clients) {
    if (client.busy) checker.violation(`client ${client.writerId} still has unanswered appends after the quiet phase`);
  }
  checker.checkFinal(logs);
  for (const sim of nodes.values()) {
    if (sim.node !== undefined) addLeaderSyncs(sim.node);
    sim.node?.stop(false);
  }

  return {
    seed,
    violations: checker.violations,
    ackedAppends: checker.acked.length,
    terms: checker.termCount,
    crashes,
    partitions,
    pauses,
    events: clock.eventCount,
    tailChecks: checker.tailChecks,
    observedEntries: checker.observedEntries,
    finalCommitIndex,
    leaderSyncs,
  };
}

/** The command that replays a seed (printed with every failure). */
export function replayCommand(seed: number, canary?: Canary, storage: 'segment' | 'mem' = 'segment'): string {
  const extra = (canary ? ` SIM_CANARY=${canary}` : '') + (storage === 'mem' ? ' SIM_STORAGE=mem' : '');
  return `SIM_SEED=${seed}${extra} npx vitest run test/journal/sim`;
}
