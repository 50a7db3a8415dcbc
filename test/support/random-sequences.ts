// A differential property suite (test process): random command sequences, each run
// after FLUSHALL on one connection to redis-server and one to KeelDB, in RESP2 or RESP3;
// every reply must be byte-identical. On a difference fast-check shrinks the sequence
// and the failure prints the minimal one, its seed and the first differing reply.
// Run counts: KEELDB_FC_RUNS (default per suite) and KEELDB_FC_TIME_MS.
// The pieces (useSequenceServers, pipelineDifference, expectSequencesMatch) also serve
// the suites that add their own set-up steps, comparators or tests (zsets, streams,
// property), so every random-sequence suite reports a difference the same way.

import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bytes, type Comparator } from './comparators.js';
import { DiffPair } from './diff-pair.js';
import { describeWithOracle } from './oracle-guard.js';
import { RespConn } from './resp-conn.js';
import { showBytes } from './resp-decode.js';

export type Cmd = string[];

/** One connection to each server. */
export interface SequenceConns {
  redis: RespConn;
  subject: RespConn;
}

/** How many random sequences a check runs, and for how long at the most. */
export interface SequenceRuns {
  numRuns: number;
  timeLimitMs: number;
}

/**
 * Starts redis-server and KeelDB for the enclosing describe (beforeAll; stopped in
 * afterAll) and hands out one connection to each, reopened after either was closed.
 */
export function useSequenceServers(): { pair: () => DiffPair; connections: () => Promise<SequenceConns> } {
  let pair: DiffPair | undefined;
  let conns: SequenceConns | undefined;
  beforeAll(async () => {
    pair = await DiffPair.start();
  });
  afterAll(async () => {
    conns?.redis.close();
    conns?.subject.close();
    await pair?.stop();
  });
  const started = (): DiffPair => {
    if (pair === undefined) throw new Error('useSequenceServers: the servers did not start (see beforeAll)');
    return pair;
  };
  const connections = async (): Promise<SequenceConns> => {
    if (conns === undefined || conns.redis.isClosed || conns.subject.isClosed) {
      conns?.redis.close();
      conns?.subject.close();
      conns = { redis: await RespConn.connect(started().oracle.port), subject: await RespConn.connect(started().subject.port) };
    }
    return conns;
  };
  return { pair: started, connections };
}

/**
 * Runs `all` as one pipeline on both servers after HELLO `proto`; describes the first
 * step whose replies `comparatorFor` (bytes unless given) rejects, or returns null.
 */
export async function pipelineDifference(conns: SequenceConns, all: readonly Cmd[], proto: 2 | 3, comparatorFor: (cmd: Cmd) => Comparator = () => bytes): Promise<string | null> {
  await Promise.all([conns.redis.send(['HELLO', String(proto)]), conns.subject.send(['HELLO', String(proto)])]);
  const [r, s] = await Promise.all([conns.redis.pipeline(all), conns.subject.pipeline(all)]);
  for (let i = 0; i < all.length; i++) {
    if (comparatorFor(all[i]!)(r[i]!, s[i]!) === null) continue;
    return `step ${i}: ${all[i]!.join(' ')} (RESP${proto})\n  redis:   ${showBytes(r[i]!)}\n  subject: ${showBytes(s[i]!)}`;
  }
  return null;
}

/**
 * Checks that `difference` finds none in random sequences from `sequence`, each in RESP2
 * or RESP3; on failure, fails with the shrunk sequence, its seed and its difference.
 */
export async function expectSequencesMatch(sequence: fc.Arbitrary<Cmd[]>, runs: SequenceRuns, difference: (seq: readonly Cmd[], proto: 2 | 3) => Promise<string | null>): Promise<void> {
  const result = await fc.check(
    fc.asyncProperty(sequence, fc.constantFrom<2 | 3>(2, 3), async (seq, proto) => (await difference(seq, proto)) === null),
    { numRuns: runs.numRuns, interruptAfterTimeLimit: runs.timeLimitMs, markInterruptAsFailure: false },
  );
  if (result.failed) {
    const [minimal, proto] = (result.counterexample ?? [[], 2]) as [Cmd[], 2 | 3];
    expect.fail(`fast-check seed ${result.seed}\n${minimal.map((c) => '  ' + c.join(' ')).join('\n')}\n-- difference --\n${await difference(minimal, proto)}`);
  }
  expect(result.numRuns).toBeGreaterThan(0);
}

export function describeRandomSequences(title: string, command: fc.Arbitrary<Cmd>, defaultRuns: number): void {
  const runs: SequenceRuns = {
    numRuns: Number(process.env.KEELDB_FC_RUNS ?? defaultRuns),
    timeLimitMs: Number(process.env.KEELDB_FC_TIME_MS ?? 15_000),
  };
  describeWithOracle(title, () => {
    const servers = useSequenceServers();
    const firstDifference = async (seq: readonly Cmd[], proto: 2 | 3): Promise<string | null> =>
      pipelineDifference(await servers.connections(), [['FLUSHALL'], ...seq], proto);

    it('every reply matches redis-server (RESP2 and RESP3)', () =>
      expectSequencesMatch(fc.array(command, { minLength: 1, maxLength: 25 }), runs, firstDifference));
  });
}
