// Differential test of MEMORY USAGE (issue 6) against redis-server 7.0.15: the key's sds
// header follows sdsReqType (1 byte under 32 bytes, 3 for the empty key and up to 255,
// then 5), so every key length from 0 to 300 is checked with each value kind whose
// estimate KeelDB models (integers, embstr and raw strings, strings built by SETBIT and
// SETRANGE, strings SETBIT/BITFIELD lengthened (sds's greedy growth), listpack hashes,
// quicklists, intsets, hashtable sets). Replies are compared byte for byte in one
// pipeline per kind.

import { expect, it } from 'vitest';
import { usePairConns } from '../support/diff-pair.js';
import { describeWithOracle } from '../support/oracle-guard.js';
import type { Arg } from '../support/resp-conn.js';
import { showBytes } from '../support/resp-decode.js';

type Cmd = readonly Arg[];

const kinds: Record<string, (key: string) => Cmd[]> = {
  int: (k) => [['SET', k, '12345']],
  embstr: (k) => [['SET', k, 'hello']],
  embstrEdge: (k) => [['SET', k, 'e'.repeat(44)]],
  raw: (k) => [['SET', k, 'r'.repeat(100)]],
  appendNew: (k) => [['APPEND', k, 'abc']],
  setbitNew: (k) => [['SETBIT', k, '100', '1']],
  setrangeNew: (k) => [['SETRANGE', k, '40', 'abc']],
  // Growth of an existing string: sdsgrowzero's greedy allocation, from each encoding.
  setbitGrowRaw: (k) => [['SET', k, 'r'.repeat(100)], ['SETBIT', k, '2000', '1']],
  setbitGrowTwice: (k) => [['SET', k, 'r'.repeat(100)], ['SETBIT', k, '2000', '1'], ['SETBIT', k, '3000', '1'], ['SETBIT', k, '5000', '1'], ['SETBIT', k, '5', '1']],
  setbitGrowEmbstr: (k) => [['SET', k, 'hello'], ['SETBIT', k, '100', '1']],
  setbitGrowInt: (k) => [['SET', k, '12345'], ['SETBIT', k, '60', '1']],
  setbitGrowBig: (k) => [['SET', k, 'b'.repeat(5000)], ['SETBIT', k, '50000', '1'], ['SETBIT', k, '7', '0']],
  bitfieldGrow: (k) => [['SET', k, 'r'.repeat(100)], ['BITFIELD', k, 'SET', 'u8', '#300', '1']],
  hash: (k) => [['HSET', k, 'f', 'v', 'g', 'w']],
  list: (k) => [['RPUSH', k, 'a', 'b', 'c']],
  intset: (k) => [['SADD', k, '1', '2', '3']],
  hashtableSet: (k) => [['SADD', k, 'a', 'b']],
};

describeWithOracle('diff: MEMORY USAGE over key lengths 0..300', () => {
  const conns = usePairConns();

  for (const [kind, build] of Object.entries(kinds)) {
    it(`${kind} values`, async () => {
      const cmds: Cmd[] = [['FLUSHALL']];
      const usageAt: number[] = [];
      for (let n = 0; n <= 300; n++) {
        const key = 'k'.repeat(n);
        cmds.push(...build(key));
        usageAt.push(cmds.length);
        cmds.push(['MEMORY', 'USAGE', key], ['DEL', key]);
      }
      const [r, s] = await Promise.all([conns().redis.pipeline(cmds), conns().subject.pipeline(cmds)]);
      const diffs: string[] = [];
      usageAt.forEach((i, n) => {
        if (!r[i]!.equals(s[i]!)) diffs.push(`key length ${n}: redis ${showBytes(r[i]!)} subject ${showBytes(s[i]!)}`);
      });
      expect(diffs).toEqual([]);
      // The values were created (a reply of nil would compare equal without testing anything).
      expect(r[usageAt[10]!]!.toString('latin1')).toMatch(/^:\d+\r\n$/);
    });
  }
});
