// The journal's deterministic simulation (src/journal/sim): three real log nodes and
// competing database-like clients over a simulated clock, network and disk, with
// crashes, power losses, partitions, message loss/duplication/reordering, lost unsynced
// writes and torn frames. Every run is a pure function of its seed.
//
// - default: fixed seeds plus a few fresh random ones (new ground every CI run);
// - SIM_SEED=<n> [SIM_CANARY=ackBeforeSync|skipAfterIdCheck|leaderCountsUnsynced] [SIM_VERBOSE=1]: replay one run;
// - SIM_SOAK=<runs> [SIM_DURATION_MS=<ms>]: a longer soak from random seeds.
// A failure prints its seed and the command that replays it.

import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { replayCommand, runSimulation, type Canary, type SimResult } from '../../../src/journal/sim/simulation.js';

function report(result: SimResult, canary?: Canary, storage: 'segment' | 'mem' = 'segment'): string {
  return (
    `seed ${result.seed}: ${result.violations.length} violation(s)\n  ` +
    result.violations.slice(0, 10).join('\n  ') +
    `\nreplay: ${replayCommand(result.seed, canary, storage)}`
  );
}

async function expectClean(seed: number, durationMs: number, storage: 'segment' | 'mem' = 'segment'): Promise<SimResult> {
  const result = await runSimulation({ seed, durationMs, storage });
  if (result.violations.length > 0) {
    console.error(report(result, undefined, storage));
    expect.fail(report(result, undefined, storage));
  }
  // A run that acknowledged nothing proves nothing: the faults must leave room for work.
  expect(result.ackedAppends).toBeGreaterThan(50);
  expect(result.terms).toBeGreaterThanOrEqual(1);
  return result;
}

const replaySeed = process.env['SIM_SEED'];
const soakRuns = Number(process.env['SIM_SOAK'] ?? 0);

if (replaySeed !== undefined) {
  describe('journal simulation: replay', () => {
    it(`seed ${replaySeed}`, async () => {
      const canary = process.env['SIM_CANARY'] as Canary | undefined;
      const result = await runSimulation({
        seed: Number(replaySeed),
        durationMs: Number(process.env['SIM_DURATION_MS'] ?? 20_000),
        canary,
        verbose: process.env['SIM_VERBOSE'] === '1',
        storage: process.env['SIM_STORAGE'] === 'mem' ? 'mem' : 'segment',
      });
      console.log(report(result, canary), JSON.stringify({ ...result, violations: undefined }));
      expect(result.violations).toEqual([]);
    }, 600_000);
  });
} else if (soakRuns > 0) {
  describe('journal simulation: soak', () => {
    it(`${soakRuns} runs`, async () => {
      const durationMs = Number(process.env['SIM_DURATION_MS'] ?? 60_000);
      for (let run = 0; run < soakRuns; run++) await expectClean(randomInt(2 ** 31), durationMs);
    }, 24 * 3600_000);
  });
} else {
  describe('journal simulation', () => {
    it('holds every invariant on fixed seeds (SegmentLog on SimDisk)', async () => {
      const syncs = { eager: 0, lag: 0, period: 0, commitsOnFollowers: 0 };
      for (let seed = 1; seed <= 10; seed++) {
        const { leaderSyncs } = await expectClean(seed, 20_000);
        for (const key of Object.keys(syncs) as (keyof typeof syncs)[]) syncs[key] += leaderSyncs[key];
      }
      // Both leader modes ran: commits on the followers' copies alone (the lazy leader),
      // periodic and lag syncs, and eager syncs after a lag.
      expect(syncs.commitsOnFollowers).toBeGreaterThan(100);
      expect(syncs.period).toBeGreaterThan(10);
      expect(syncs.lag).toBeGreaterThan(10);
      expect(syncs.eager).toBeGreaterThan(10);
    });

    it('holds every invariant on fresh random seeds', async () => {
      for (let run = 0; run < 6; run++) await expectClean(randomInt(2 ** 31), 20_000);
    });

    it('holds every invariant over the simulator\'s own storage model (MemStorage)', async () => {
      for (let seed = 101; seed <= 104; seed++) await expectClean(seed, 20_000, 'mem');
    });

    it('holds every invariant with five nodes and harsher faults', async () => {
      for (let seed = 201; seed <= 203; seed++) {
        const result = await runSimulation({
          seed,
          durationMs: 15_000,
          nodeCount: 5,
          clientCount: 4,
          faults: { lossRate: 0.1, duplicateRate: 0.05, delayMsMax: 30, crashRate: 0.06, partitionRate: 0.08 },
        });
        // Replaying needs this test's options (five nodes, the faults above) with the seed.
        if (result.violations.length > 0) expect.fail(`five nodes, harsher faults: ${report(result)}`);
        expect(result.ackedAppends).toBeGreaterThan(20);
      }
    });

    it('replays a seed exactly', async () => {
      const a = await runSimulation({ seed: 4242, durationMs: 8_000 });
      const b = await runSimulation({ seed: 4242, durationMs: 8_000 });
      expect(b).toEqual(a);
      const c = await runSimulation({ seed: 4243, durationMs: 8_000 });
      expect(c.events).not.toEqual(a.events);
    });

    // The canaries: a deliberate bug must make the simulator fail, else it tests nothing.
    it('catches the ackBeforeSync canary (acknowledging before fsync)', async () => {
      const caught: SimResult[] = [];
      for (let seed = 1; seed <= 12 && caught.length === 0; seed++) {
        const result = await runSimulation({ seed, durationMs: 20_000, canary: 'ackBeforeSync' });
        if (result.violations.some((v) => /acknowledged entry .* (missing|differs)|committed entry .* changed/.test(v))) {
          caught.push(result);
        }
      }
      expect(caught.length).toBe(1);
    });

    // Rarer than ackBeforeSync under random faults (about 1 seed in 150: the leader must
    // crash inside its sync's window, right after a commit on one follower, and the other
    // two must elect a leader without that follower): scanned until one catches it.
    // test/journal/raft/lazy-leader-sync.test.ts drives the losing scenario directly.
    it('catches the leaderCountsUnsynced canary (a leader counting its unsynced entries in a majority)', async () => {
      const caught: SimResult[] = [];
      for (let seed = 1; seed <= 400 && caught.length === 0; seed++) {
        const result = await runSimulation({ seed, durationMs: 20_000, canary: 'leaderCountsUnsynced' });
        if (result.violations.some((v) => /acknowledged entry .* (missing|differs)|committed entry .* changed/.test(v))) {
          caught.push(result);
        }
      }
      expect(caught.length).toBe(1);
    });

    it('catches the skipAfterIdCheck canary (accepting a stale afterId)', async () => {
      const caught: SimResult[] = [];
      for (let seed = 1; seed <= 12 && caught.length === 0; seed++) {
        const result = await runSimulation({ seed, durationMs: 20_000, canary: 'skipAfterIdCheck' });
        if (result.violations.some((v) => /acked at \d+ with afterId/.test(v))) caught.push(result);
      }
      expect(caught.length).toBe(1);
    });
  });
}
