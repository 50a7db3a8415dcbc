// Differential test: RESTORE picks the encoding by the CONFIG thresholds (issue 6), as
// redis-server 7.0.15's rdbLoadObject does. Payloads of every RDB type the thresholds
// apply to (hash and hash listpack, set and intset, skiplist and listpack sorted sets) are
// made by redis-server under the default and under raised thresholds, then RESTOREd into
// both servers under several CONFIG SET combinations. OBJECT ENCODING must agree, and
// where the encoding is compact (listpack, intset) so must the DUMP of the restored value
// byte for byte; a hashtable's DUMP follows Redis's hash order, so for those the
// contents are compared sorted. Lists are quicklists whatever the settings; their DUMP
// follows list-max-listpack-size's node cuts (RPUSH-built lists).

import { afterAll, beforeAll, expect, it } from 'vitest';
import { DiffPair } from '../support/diff-pair.js';
import { describeWithOracle } from '../support/oracle-guard.js';
import { RespConn, type Arg } from '../support/resp-conn.js';
import { decodeReply, showBytes, type RespValue } from '../support/resp-decode.js';

type Cmd = readonly Arg[];
const thresholdNames = ['hash-max-listpack-entries', 'hash-max-listpack-value', 'set-max-intset-entries', 'zset-max-listpack-entries', 'zset-max-listpack-value'];
const defaults = ['512', '64', '512', '128', '64'];
const raised = ['1000', '300', '1000', '1000', '300'];
const configs: Record<string, string[]> = { defaults, raised, low: ['5', '10', '5', '5', '10'], zero: ['0', '0', '0', '0', '0'], mixed: ['700', '8', '3', '150', '120'] };

function configSet(values: readonly string[]): Cmd {
  return ['CONFIG', 'SET', ...thresholdNames.flatMap((n, i) => [n, values[i]!])];
}

/** Values whose payloads cover each RDB type and the edges of each rule. */
function sources(tag: string): Cmd[] {
  const range = (n: number, f: (i: number) => string[]): string[] => Array.from({ length: n }, (_, i) => f(i)).flat();
  return [
    ['HSET', `${tag}:h10`, ...range(10, (i) => [`f${i}`, `v${i}`])],
    ['HSET', `${tag}:hlong`, 'f', 'x'.repeat(100), 'g', '1'],
    ['HSET', `${tag}:hfield`, 'y'.repeat(20), '1'],
    ['HSET', `${tag}:h600`, ...range(600, (i) => [`f${i}`, String(i)])],
    ['SADD', `${tag}:i10`, ...range(10, (i) => [String(i * 1000)])],
    ['SADD', `${tag}:iwide`, '1', '2', '5000000000'],
    ['SREM', `${tag}:iwide`, '5000000000'],
    ['SADD', `${tag}:i600`, ...range(600, (i) => [String(i)])],
    ['SADD', `${tag}:ints-as-table`, 'a', '1', '2', '3'],
    ['SREM', `${tag}:ints-as-table`, 'a'],
    ['SADD', `${tag}:strs`, 'a', 'b', 'c'],
    ['ZADD', `${tag}:z10`, ...range(10, (i) => [String(i), `m${i}`])],
    ['ZADD', `${tag}:zlong`, '1', 'm'.repeat(100), '2', 'n'],
    ['ZADD', `${tag}:z200`, ...range(200, (i) => [String(i / 2), `m${i}`])],
    ['ZADD', `${tag}:zshrunk`, ...range(200, (i) => [String(i), `m${i}`])],
    ['ZREMRANGEBYRANK', `${tag}:zshrunk`, '0', '189'],
  ];
}

const keysOf = (tag: string): string[] => ['h10', 'hlong', 'hfield', 'h600', 'i10', 'iwide', 'i600', 'ints-as-table', 'strs', 'z10', 'zlong', 'z200', 'zshrunk'].map((k) => `${tag}:${k}`);

/** A value's contents in a canonical order (members and pairs sorted). */
function canonical(v: RespValue): string {
  if (v.kind === 'array' || v.kind === 'set') return JSON.stringify(v.items.map((x) => (x.kind === 'bulk' ? x.bytes.toString('latin1') : JSON.stringify(x))).sort());
  return JSON.stringify(v);
}

describeWithOracle('diff: RESTORE encodings follow CONFIG thresholds', () => {
  let pair: DiffPair | undefined;
  let redis: RespConn | undefined;
  let subject: RespConn | undefined;
  beforeAll(async () => {
    pair = await DiffPair.start();
    redis = await RespConn.connect(pair.oracle.port);
    subject = await RespConn.connect(pair.subject.port);
  });
  afterAll(async () => {
    redis?.close();
    subject?.close();
    await pair?.stop();
  });

  it('every payload type under every threshold combination', async () => {
    const r = redis!;
    const s = subject!;
    await Promise.all([r.send(['FLUSHALL']), s.send(['FLUSHALL'])]);
    // Payloads made by redis-server under the default and the raised thresholds.
    const payloads = new Map<string, Buffer>();
    for (const [tag, values] of [['d', defaults], ['r', raised]] as const) {
      await r.send(configSet(values));
      await r.pipeline(sources(tag));
      for (const key of keysOf(tag)) {
        const v = decodeReply(await r.send(['DUMP', key]));
        if (v.kind !== 'bulk') throw new Error(`no payload for ${key}`);
        payloads.set(key, v.bytes);
      }
    }
    // The payload types this test means to cover (hash 4/16, set 2/11, zset 5/17).
    expect(new Set([...payloads.values()].map((p) => p[0]))).toEqual(new Set([4, 16, 2, 11, 5, 17]));
    const diffs: string[] = [];
    for (const [name, values] of Object.entries(configs)) {
      await Promise.all([r.send(configSet(values)), s.send(configSet(values))]);
      for (const [key, payload] of payloads) {
        const copy = `copy:${name}:${key}`;
        const steps: Cmd[] = [['RESTORE', copy, '0', payload], ['OBJECT', 'ENCODING', copy], ['DUMP', copy]];
        const [ro, so] = await Promise.all([r.pipeline(steps), s.pipeline(steps)]);
        for (let i = 0; i < 2; i++) if (!ro[i]!.equals(so[i]!)) diffs.push(`${name} ${key} ${steps[i]![0]}: redis ${showBytes(ro[i]!)} subject ${showBytes(so[i]!)}`);
        const encoding = ro[1]!.toString('latin1');
        if (!encoding.includes('hashtable') && !encoding.includes('skiplist')) {
          if (!ro[2]!.equals(so[2]!)) diffs.push(`${name} ${key} DUMP: redis ${showBytes(ro[2]!).slice(0, 200)} subject ${showBytes(so[2]!).slice(0, 200)}`);
        } else {
          const read: Cmd = key.includes(':h') ? ['HGETALL', copy] : key.includes(':z') ? ['ZRANGE', copy, '0', '-1', 'WITHSCORES'] : ['SMEMBERS', copy];
          const [rv, sv] = await Promise.all([r.send(read), s.send(read)]);
          if (canonical(decodeReply(rv)) !== canonical(decodeReply(sv))) diffs.push(`${name} ${key} contents differ`);
        }
      }
    }
    await Promise.all([r.send(configSet(defaults)), s.send(configSet(defaults))]);
    expect(diffs).toEqual([]);
  });

  it('DUMP of a list follows list-max-listpack-size (quicklist node cuts)', async () => {
    const r = redis!;
    const s = subject!;
    const diffs: string[] = [];
    const elements = Array.from({ length: 60 }, (_, i) => (i % 7 === 0 ? 'x'.repeat(300 + i * 40) : i % 3 === 0 ? String(i * 1000) : `e${i}`));
    for (const fill of ['-1', '-2', '-3', '-5', '0', '1', '3', '10', '100']) {
      const steps: Cmd[] = [['FLUSHALL'], ['CONFIG', 'SET', 'list-max-listpack-size', fill], ['RPUSH', 'l', ...elements], ['RPUSH', 'small', 'a', 'b', 'c'], ['DUMP', 'l'], ['DUMP', 'small']];
      const [ro, so] = await Promise.all([r.pipeline(steps), s.pipeline(steps)]);
      for (let i = 0; i < steps.length; i++) if (!ro[i]!.equals(so[i]!)) diffs.push(`fill ${fill}: ${String(steps[i]![0])} ${String(steps[i]![1])}: redis ${showBytes(ro[i]!).slice(0, 120)} subject ${showBytes(so[i]!).slice(0, 120)}`);
    }
    await Promise.all([r.send(['CONFIG', 'SET', 'list-max-listpack-size', '-2']), s.send(['CONFIG', 'SET', 'list-max-listpack-size', '-2'])]);
    expect(diffs).toEqual([]);
  });
});
