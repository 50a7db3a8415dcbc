// A differential property suite (test process): random command sequences, each run
// after FLUSHALL on one connection to redis-server and one to KeelDB, in RESP2 or RESP3;
// every reply must be byte-identical. On a difference fast-check shrinks the sequence
// and the failure prints the minimal one, its seed and the first differing reply.
// Run counts: KEELDB_FC_RUNS (default per suite) and KEELDB_FC_TIME_MS.

import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bytes } from './comparators.js';
import { DiffPair } from './diff-pair.js';
import { describeWithOracle } from './oracle-guard.js';
import { RespConn } from './resp-conn.js';
import { showBytes } from './resp-decode.js';

export type Cmd = string[];

export function describeRandomSequences(title: string, command: fc.Arbitrary<Cmd>, defaultRuns: number): void {
  const runCount = Number(process.env.KEELDB_FC_RUNS ?? defaultRuns);
  const timeLimitMs = Number(process.env.KEELDB_FC_TIME_MS ?? 15_000);
  describeWithOracle(title, () => {
    let pair: DiffPair | undefined;
    let conns: { redis: RespConn; subject: RespConn } | undefined;
    beforeAll(async () => {
      pair = await DiffPair.start();
    });
    afterAll(async () => {
      conns?.redis.close();
      conns?.subject.close();
      await pair?.stop();
    });

    async function firstDifference(seq: readonly Cmd[], proto: 2 | 3): Promise<string | null> {
      if (conns === undefined || conns.redis.isClosed || conns.subject.isClosed) {
        conns = { redis: await RespConn.connect(pair!.oracle.port), subject: await RespConn.connect(pair!.subject.port) };
      }
      const all: Cmd[] = [['FLUSHALL'], ...seq];
      await Promise.all([conns.redis.send(['HELLO', String(proto)]), conns.subject.send(['HELLO', String(proto)])]);
      const [r, s] = await Promise.all([conns.redis.pipeline(all), conns.subject.pipeline(all)]);
      for (let i = 0; i < all.length; i++) {
        if (bytes(r[i]!, s[i]!) === null) continue;
        return `step ${i}: ${all[i]!.join(' ')} (RESP${proto})\n  redis:   ${showBytes(r[i]!)}\n  subject: ${showBytes(s[i]!)}`;
      }
      return null;
    }

    it('every reply matches redis-server (RESP2 and RESP3)', async () => {
      const result = await fc.check(
        fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 25 }), fc.constantFrom<2 | 3>(2, 3), async (seq, proto) => (await firstDifference(seq, proto)) === null),
        { numRuns: runCount, interruptAfterTimeLimit: timeLimitMs, markInterruptAsFailure: false },
      );
      if (result.failed) {
        const [minimal, proto] = (result.counterexample ?? [[], 2]) as [Cmd[], 2 | 3];
        expect.fail(`fast-check seed ${result.seed}\n${minimal.map((c) => '  ' + c.join(' ')).join('\n')}\n-- difference --\n${await firstDifference(minimal, proto)}`);
      }
      expect(result.numRuns).toBeGreaterThan(0);
    });
  });
}
