// Tests of the differential harness itself (test process): the reply-boundary scanner
// on every RESP2/RESP3 type, split at every byte; the decoder; and canaries proving the
// harness notices a difference (two redis-servers, deliberately different commands),
// a missing reply and a connection closed on one side only.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intNear, sortedArray } from './comparators.js';
import { DiffPair } from './diff-pair.js';
import { describeWithOracle } from './oracle-guard.js';
import { decodeReply, showBytes } from './resp-decode.js';
import { replyEnd, RespScanError } from './resp-scan.js';

const samples: string[] = [
  '+OK\r\n',
  '-ERR unknown command\r\n',
  ':-42\r\n',
  '$5\r\nhello\r\n',
  '$0\r\n\r\n',
  '$-1\r\n',
  '*-1\r\n',
  '*0\r\n',
  '*2\r\n$1\r\na\r\n*2\r\n:1\r\n$-1\r\n',
  '_\r\n',
  '#t\r\n',
  ',3.14\r\n',
  '(3492890328409238509324850943850943825024385\r\n',
  '!11\r\nSYNTAX oops\r\n',
  '=15\r\ntxt:Some string\r\n',
  '%2\r\n+a\r\n:1\r\n+b\r\n*1\r\n_\r\n',
  '~2\r\n+x\r\n+y\r\n',
  '>3\r\n+message\r\n+chan\r\n$2\r\nhi\r\n',
  '|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.19\r\n*1\r\n:5\r\n',
  '$?\r\n;4\r\nHell\r\n;1\r\no\r\n;0\r\n',
  '*?\r\n:1\r\n:2\r\n.\r\n',
  '$4\r\na\r\nb\r\n',
];

describe('reply-boundary scanner', () => {
  it('finds the end of every RESP2 and RESP3 type, and never early', () => {
    for (const sample of samples) {
      const buf = Buffer.from(sample, 'latin1');
      expect(replyEnd(buf, 0), showBytes(sample)).toBe(buf.length);
      for (let cut = 0; cut < buf.length; cut++) {
        expect(replyEnd(buf.subarray(0, cut), 0), `${showBytes(sample)} cut at ${cut}`).toBe(-1);
      }
      const two = Buffer.concat([buf, Buffer.from('+NEXT\r\n')]);
      expect(replyEnd(two, 0)).toBe(buf.length);
      expect(replyEnd(two, buf.length)).toBe(two.length);
    }
  });
  it('rejects bytes that cannot start a reply', () => {
    expect(() => replyEnd(Buffer.from('hello\r\n'), 0)).toThrow(RespScanError);
    expect(() => replyEnd(Buffer.from('$3\r\nabcd\r\n'), 0)).toThrow(RespScanError);
  });
  it('decodes nested RESP3 and compares with the normalisers', () => {
    const v = decodeReply(Buffer.from('%1\r\n+k\r\n*2\r\n:1\r\n_\r\n'));
    expect(v.kind).toBe('map');
    expect(intNear(1)(Buffer.from(':100\r\n'), Buffer.from(':99\r\n'))).toBeNull();
    expect(intNear(1)(Buffer.from(':100\r\n'), Buffer.from(':98\r\n'))).not.toBeNull();
    expect(sortedArray(Buffer.from('*2\r\n$1\r\na\r\n$1\r\nb\r\n'), Buffer.from('*2\r\n$1\r\nb\r\n$1\r\na\r\n'))).toBeNull();
    expect(sortedArray(Buffer.from('*2\r\n$1\r\na\r\n$1\r\nb\r\n'), Buffer.from('*2\r\n$1\r\nb\r\n$1\r\nc\r\n'))).not.toBeNull();
  });
});

describeWithOracle('differential harness canaries (redis against redis)', () => {
  let pair: DiffPair | undefined;
  beforeAll(async () => {
    pair = await DiffPair.start({ subject: 'redis' });
  });
  afterAll(async () => {
    await pair?.stop();
  });

  it('agrees on identical traffic', async () => {
    const c = await pair!.open('canary: same');
    await c.cmd(['SET', 'a', '1']);
    await c.cmd(['INCR', 'a']);
    await c.cmd(['GET', 'a']);
    c.close();
    expect(c.mismatches).toEqual([]);
  });
  it('reports a byte difference with both sides', async () => {
    const c = await pair!.open('canary: different');
    await c.each((side) => (side === 'redis' ? ['ECHO', 'one'] : ['ECHO', 'two']));
    c.close();
    expect(c.mismatches).toHaveLength(1);
    expect(c.mismatches[0]).toContain('one');
    expect(c.mismatches[0]).toContain('two');
  });
  it('reports a reply that never comes and a connection closed on one side', async () => {
    const c = await pair!.open('canary: missing reply');
    c.conn('subject')!.close();
    await c.cmd(['PING'], { timeoutMs: 500 });
    await c.expectClosed({ timeoutMs: 300 });
    c.close();
    expect(c.mismatches.length).toBe(2);
  });
});
