// Differential test (issue 6): a string's 'raw' encoding and its grown sds size travel
// with the value when Redis keeps the same object (RENAME, RENAMENX, MOVE, SWAPDB), and
// COPY makes a raw, exactly sized copy of a raw string (dupStringObject). KeelDB keeps
// these as marks beside the dict (Db.markRawString / setRawStringSize), which the key
// commands must carry; OBJECT ENCODING and MEMORY USAGE show them.

import { describe } from 'vitest';
import { diffSeq, usePair } from '../support/diff-pair.js';
import { describeWithOracle } from '../support/oracle-guard.js';

describeWithOracle('diff: raw strings moved by key commands', () => {
  const pair = usePair();
  const probe = (key: string): (readonly string[])[] => [
    ['OBJECT', 'ENCODING', key],
    ['MEMORY', 'USAGE', key],
    ['GET', key],
  ];
  describe('short values made raw by APPEND and SETRANGE, and a grown long one', () => {
    diffSeq(pair, 'RENAME and RENAMENX', [
      ['FLUSHALL'],
      ['SET', 'a', 'short'],
      ['APPEND', 'a', 'xyz'],
      ['RENAME', 'a', 'b'],
      ...probe('b'),
      ['SETRANGE', 'c', '0', '12'],
      ['RENAMENX', 'c', 'd'],
      ...probe('d'),
      ['SET', 'g', 'x'.repeat(100)],
      ['APPEND', 'g', 'y'.repeat(27)],
      ['APPEND', 'g', 'z'.repeat(10)],
      ['RENAME', 'g', 'h'],
      ...probe('h'),
      ['SET', 'b', 'plain'],
      ...probe('b'),
    ]);
    diffSeq(pair, 'MOVE and SWAPDB', [
      ['FLUSHALL'],
      ['SET', 'a', 'short'],
      ['APPEND', 'a', 'xyz'],
      ['MOVE', 'a', '1'],
      ['SELECT', '1'],
      ...probe('a'),
      ['SET', 'e', '7'],
      ['APPEND', 'e', '8'],
      ['SWAPDB', '0', '1'],
      ...probe('a'),
      ...probe('e'),
      ['SELECT', '0'],
      ...probe('a'),
      ...probe('e'),
      ['SWAPDB', '0', '1'],
      ['SELECT', '1'],
      ...probe('a'),
      ['SELECT', '0'],
    ]);
    diffSeq(pair, 'COPY of raw and plain strings', [
      ['FLUSHALL'],
      ['SET', 'a', 'short'],
      ['APPEND', 'a', 'xyz'],
      ['COPY', 'a', 'b'],
      ...probe('b'),
      ['SET', 'g', 'x'.repeat(100)],
      ['APPEND', 'g', 'y'.repeat(27)],
      ['COPY', 'g', 'h', 'DB', '2'],
      ['SELECT', '2'],
      ...probe('h'),
      ['SELECT', '0'],
      ['SET', 'p', 'plain'],
      ['COPY', 'p', 'q'],
      ...probe('q'),
    ]);
  });
});
