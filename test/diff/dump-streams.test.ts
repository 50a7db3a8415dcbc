// Differential tests of DUMP / RESTORE for streams (issue 6): KeelDB against
// redis-server 7.0.15, over raw RESP.
//
// For each stream built by the same commands on both servers:
// - without consumer groups, the two DUMP payloads must be byte-identical (same nodes,
//   same listpacks, same metadata);
// - redis-server's payload RESTOREd into KeelDB must give the same stream (XINFO STREAM
//   FULL equal to redis-server's RESTORE of it) and DUMP back to the same bytes;
// - KeelDB's payload RESTOREd into redis-server must be accepted, and redis-server's
//   DUMP of it must equal KeelDB's DUMP of the same restored value;
// - a write after RESTORE (an XADD that opens or extends a node) leaves both equal.
// With groups the payloads carry delivery and seen times from each server's own clock,
// so the originals are compared through the cross-RESTOREs (which carry the same times
// to both sides), and XINFO STREAM FULL of the originals with times masked.
// XINFO's radix-tree-nodes counts Redis's rax nodes, which KeelDB does not build: masked.

import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DiffPair } from '../support/diff-pair.js';
import { describeWithOracle } from '../support/oracle-guard.js';
import { RespConn, type Arg } from '../support/resp-conn.js';
import { decodeReply, showBytes } from '../support/resp-decode.js';
import { crc64 } from '../../src/engine/crc64.js';
import { RdbWriter } from '../../src/engine/dump.js';
import { nodeListpack } from '../../src/engine/types/stream-rdb.js';
import { idMs, idSeq, makeId, Nack, RStream } from '../../src/engine/types/stream.js';

type Cmd = readonly Arg[];

function maskInfo(b: Buffer, times: boolean): string {
  let s = b.toString('latin1').replace(/(radix-tree-nodes\r\n):\d+/g, '$1:N');
  // Absolute unix-ms times (seen-time, delivery times): 13 digits.
  if (times) s = s.replace(/:\d{13}\r\n/g, ':T\r\n');
  return s;
}

function bulkOf(reply: Buffer): Buffer | null {
  const v = decodeReply(reply);
  return v.kind === 'bulk' ? v.bytes : null;
}

class Sides {
  constructor(
    readonly redis: RespConn,
    readonly subject: RespConn,
  ) {}

  both(args: Cmd): Promise<[Buffer, Buffer]> {
    return Promise.all([this.redis.send(args), this.subject.send(args)]);
  }

  /** Every difference the cross-DUMP/RESTORE checks find for one key (empty when equal). */
  async crossCheck(key: string): Promise<string[]> {
    const out: string[] = [];
    const differ = (what: string, r: Buffer | string, s: Buffer | string): void => {
      const show = (x: Buffer | string): string => (typeof x === 'string' ? x : showBytes(x)).slice(0, 600);
      out.push(`${key}: ${what}\n    redis:   ${show(r)}\n    subject: ${show(s)}`);
    };
    const [rType] = await this.both(['TYPE', key]);
    if (!rType.toString('latin1').startsWith('+stream')) return out;
    const [rGroups] = await this.both(['XINFO', 'GROUPS', key]);
    const hasGroups = !rGroups.toString('latin1').startsWith('*0');
    const [rInfo, sInfo] = await this.both(['XINFO', 'STREAM', key, 'FULL']);
    if (maskInfo(rInfo, true) !== maskInfo(sInfo, true)) differ('XINFO STREAM FULL (times masked)', rInfo, sInfo);
    const [rDumpReply, sDumpReply] = await this.both(['DUMP', key]);
    const rd = bulkOf(rDumpReply);
    const sd = bulkOf(sDumpReply);
    if (rd === null || sd === null) {
      differ('DUMP did not answer a bulk', rDumpReply, sDumpReply);
      return out;
    }
    if (!hasGroups && !rd.equals(sd)) differ('DUMP payloads', rd, sd);
    // Each server's payload, restored on both sides.
    for (const [tag, payload] of [['r', rd], ['s', sd]] as const) {
      const copy = `${key}:${tag}`;
      const [r1, s1] = await this.both(['RESTORE', copy, '0', payload, 'REPLACE']);
      if (!r1.equals(s1)) differ(`RESTORE of the ${tag === 'r' ? 'redis' : 'subject'} payload`, r1, s1);
      const [r2, s2] = await this.both(['DUMP', copy]);
      if (!r2.equals(s2)) differ(`DUMP after RESTORE of the ${tag === 'r' ? 'redis' : 'subject'} payload`, r2, s2);
      if (tag === 'r' && !s2.equals(rDumpReply)) differ('subject re-DUMP of the redis payload changed it', rDumpReply, s2);
      const [r3, s3] = await this.both(['XINFO', 'STREAM', copy, 'FULL']);
      if (maskInfo(r3, false) !== maskInfo(s3, false)) differ(`XINFO STREAM FULL after RESTORE of the ${tag} payload`, r3, s3);
      // Writes after the load: a small entry (may extend the last node), then a big one.
      for (const add of [['XADD', copy, '18446744073709551000-0', 'f', 'v'], ['XADD', copy, '18446744073709551001-5', 'x', 'y'.repeat(5000)]]) {
        const [r4, s4] = await this.both(add);
        if (!r4.equals(s4)) differ(`${add[0]} after RESTORE`, r4, s4);
      }
      const [r5, s5] = await this.both(['DUMP', copy]);
      if (!r5.equals(s5)) differ(`DUMP after RESTORE and XADD (${tag} payload)`, r5, s5);
    }
    return out;
  }
}

/** A stream built on both servers: explicit ids, so both hold the same entries. */
function streamBuild(): Cmd[] {
  const cmds: Cmd[] = [];
  // Same fields, 250 entries: three nodes cut at 100 entries.
  for (let i = 1; i <= 250; i++) cmds.push(['XADD', 'plain', `${i}-0`, 'temp', String(20 + (i % 7)), 'hum', `h${i}`]);
  // Varying fields, negative seq deltas, int-looking values, strings of every size class,
  // LZF-compressible listpacks, and an entry bigger than a node.
  let ms = 1000;
  for (let i = 0; i < 120; i++) {
    ms += i % 3 === 0 ? 1 : 0;
    const seq = i % 3;
    const fv: string[] =
      i % 5 === 0 ? ['a', String(i), 'b', '-4097'] : i % 5 === 1 ? ['a', 'x'.repeat(63), 'c', String(2 ** 40)] : i % 5 === 2 ? ['k', 'y'.repeat(64 + i)] : i % 5 === 3 ? ['a', '9223372036854775807', 'b', '-9223372036854775808'] : ['z', 'q'.repeat(4095)];
    cmds.push(['XADD', 'mixed', `${ms}-${200 + seq * 1000 - i}`, ...fv]);
  }
  cmds.push(['XADD', 'mixed', '5000-0', 'big', 'w'.repeat(9000)]);
  cmds.push(['XADD', 'mixed', '5001-0', 'a', '1']);
  // Tombstones: XDEL in the middle and at a node's front, exact trims.
  cmds.push(['XDEL', 'plain', '5-0', '6-0', '101-0', '150-0', '250-0']);
  cmds.push(['XTRIM', 'plain', 'MAXLEN', '230']);
  cmds.push(['XTRIM', 'mixed', 'MINID', '1010']);
  cmds.push(['XDEL', 'mixed', '1020-0']);
  // 64-bit ids (RDB_64BITLEN for last id and the listpack's 64-bit deltas).
  cmds.push(['XADD', 'wide', '5-18446744073709551615', 'f', 'v']);
  cmds.push(['XADD', 'wide', '4294967296-0', 'f', 'v']);
  cmds.push(['XADD', 'wide', '18446744073709551615-18446744073709551614', 'f', 'v', 'g', 'w']);
  // Empty streams: emptied by XDEL (max deleted id kept), and made by XGROUP MKSTREAM.
  cmds.push(['XADD', 'emptied', '7-7', 'f', 'v'], ['XDEL', 'emptied', '7-7']);
  cmds.push(['XGROUP', 'CREATE', 'mk', 'g', '$', 'MKSTREAM']);
  cmds.push(['XSETID', 'setid', '1-1'] as Cmd);
  cmds.push(['XADD', 'setid', '3-3', 'f', 'v'], ['XSETID', 'setid', '900-9', 'ENTRIESADDED', '77', 'MAXDELETEDID', '800-1']);
  // Groups: pending entries, consumers with and without PELs, an invalid entries-read,
  // names that look like integers (RDB int-encoded strings).
  for (let i = 1; i <= 30; i++) cmds.push(['XADD', 'groups', `${i}`, 'f', String(i)]);
  cmds.push(['XGROUP', 'CREATE', 'groups', 'g1', '0']);
  cmds.push(['XGROUP', 'CREATE', 'groups', '12345', '$', 'ENTRIESREAD', '3']);
  cmds.push(['XGROUP', 'CREATE', 'groups', 'g0', '5']);
  cmds.push(['XREADGROUP', 'GROUP', 'g1', 'alice', 'COUNT', '5', 'STREAMS', 'groups', '>']);
  cmds.push(['XREADGROUP', 'GROUP', 'g1', 'bob', 'COUNT', '3', 'STREAMS', 'groups', '>']);
  cmds.push(['XREADGROUP', 'GROUP', 'g0', '777', 'NOACK', 'COUNT', '2', 'STREAMS', 'groups', '>']);
  cmds.push(['XACK', 'groups', 'g1', '2', '7']);
  cmds.push(['XCLAIM', 'groups', 'g1', 'carol', '0', '3', '4', 'RETRYCOUNT', '9', 'TIME', '1700000000000']);
  cmds.push(['XGROUP', 'CREATECONSUMER', 'groups', 'g1', 'dave']);
  cmds.push(['XDEL', 'groups', '1', '8']);
  cmds.push(['XGROUP', 'SETID', 'groups', 'g0', '10']);
  return cmds;
}

const builtKeys = ['plain', 'mixed', 'wide', 'emptied', 'mk', 'setid', 'groups'];

/**
 * A Redis 5-6.2 payload (RDB_TYPE_STREAM_LISTPACKS, RDB version 9): no first id, max
 * deleted id, entries added or entries read. Built by hand (7.0 cannot write one) from a
 * stream with tombstones, a trimmed front and a group with pending entries.
 */
function legacyPayload(): Buffer {
  const s = new RStream();
  for (let i = 1; i <= 130; i++) s.append(makeId(BigInt(i), 1n), i % 3 === 0 ? ['a', String(i)] : ['f', `v${i}`]);
  s.delete(makeId(2n, 1n));
  s.delete(makeId(50n, 1n));
  s.trim({ strategy: 'maxlen', maxlen: 120, minid: 0n, approx: false, limit: 0 });
  const g = s.createGroup('g', makeId(60n, 1n), 0);
  s.createGroup('late', makeId(1000n, 0n), 0);
  const c = g.createConsumer('c', 1_600_000_000_000);
  for (const ms of [20n, 40n]) {
    const n = new Nack(c, 1_600_000_000_500, 3);
    c.pel.set(makeId(ms, 1n), n);
    g.pel.set(makeId(ms, 1n), n);
  }
  const w = new RdbWriter();
  w.byte(15);
  w.len(s.nodes.length);
  for (const node of s.nodes) {
    const key = Buffer.alloc(16);
    key.writeBigUInt64BE(idMs(node.masterId), 0);
    key.writeBigUInt64BE(idSeq(node.masterId), 8);
    w.blob(key);
    w.blob(nodeListpack(node));
  }
  w.len(s.length);
  w.len64(idMs(s.lastId));
  w.len64(idSeq(s.lastId));
  const groups = s.sortedGroups();
  w.len(groups.length);
  for (const grp of groups) {
    w.string(grp.name);
    w.len64(idMs(grp.lastId));
    w.len64(idSeq(grp.lastId));
    w.len(grp.pel.size);
    for (let i = 0; i < grp.pel.keys.length; i++) {
      const id = Buffer.alloc(16);
      id.writeBigUInt64BE(idMs(grp.pel.keys[i]!), 0);
      id.writeBigUInt64BE(idSeq(grp.pel.keys[i]!), 8);
      w.raw(id);
      w.millisecondTime(grp.pel.values[i]!.deliveryTime);
      w.len(grp.pel.values[i]!.deliveryCount);
    }
    const consumers = grp.sortedConsumers();
    w.len(consumers.length);
    for (const cons of consumers) {
      w.string(cons.name);
      w.millisecondTime(cons.seenTime);
      w.len(cons.pel.size);
      for (const pid of cons.pel.keys) {
        const id = Buffer.alloc(16);
        id.writeBigUInt64BE(idMs(pid), 0);
        id.writeBigUInt64BE(idSeq(pid), 8);
        w.raw(id);
      }
    }
  }
  const body = w.bytes();
  const out = Buffer.alloc(body.length + 10);
  body.copy(out);
  out.writeUInt16LE(9, body.length);
  out.writeBigUInt64LE(crc64(out, 0n, 0, body.length + 2), body.length + 2);
  return out;
}

// --- Random sequences (fast-check) ---------------------------------------------------------

const runCount = Number(process.env.KEELDB_FC_RUNS ?? 60);
/** Keeps the file within its time budget on a loaded machine; what ran is still checked. */
const timeLimitMs = Number(process.env.KEELDB_FC_TIME_MS ?? 12_000);
const skey = fc.constantFrom('s1', 's2');
const fvs = fc.constantFrom(['f', 'v'], ['f', 'w'], ['a', '1', 'b', '2'], ['f', '12345678901'], ['long', 'L'.repeat(300)], ['f', 'v', 'g', 'w', 'h', 'x']);
const grp = fc.constantFrom('g1', 'g2');
const cons = fc.constantFrom('c1', 'c2', 'c3');
const anyId = fc.integer({ min: 1, max: 400 }).map(String);
const randomCommands: fc.Arbitrary<Cmd>[] = [
  fc.tuple(skey, fc.constantFrom<string[]>(['MAXLEN', '50'], ['MAXLEN', '~', '20'], ['MINID', '100'], ['MINID', '~', '150'], ['MAXLEN', '=', '5'])).map(([k, o]) => ['XTRIM', k, ...o]),
  fc.tuple(skey, fc.array(anyId, { minLength: 1, maxLength: 6 })).map(([k, ids]) => ['XDEL', k, ...ids]),
  fc.tuple(skey, grp, fc.constantFrom('0', '$', '50')).map(([k, g, id]) => ['XGROUP', 'CREATE', k, g, id, 'MKSTREAM']),
  fc.tuple(skey, grp, fc.constantFrom('0', '$', '120'), fc.constantFrom<string[]>([], ['ENTRIESREAD', '7'])).map(([k, g, id, o]) => ['XGROUP', 'SETID', k, g, id, ...o]),
  fc.tuple(skey, grp, fc.constantFrom('DESTROY', 'CREATECONSUMER', 'DELCONSUMER'), cons).map(([k, g, s, c]) => (s === 'DESTROY' ? ['XGROUP', s, k, g] : ['XGROUP', s, k, g, c])),
  fc.tuple(skey, grp, cons, fc.constantFrom<string[]>(['COUNT', '3'], ['COUNT', '20'], ['NOACK', 'COUNT', '2'])).map(([k, g, c, o]) => ['XREADGROUP', 'GROUP', g, c, ...o, 'STREAMS', k, '>']),
  fc.tuple(skey, grp, fc.array(anyId, { minLength: 1, maxLength: 4 })).map(([k, g, ids]) => ['XACK', k, g, ...ids]),
  fc.tuple(skey, grp, cons, fc.array(anyId, { minLength: 1, maxLength: 3 }), fc.constantFrom<string[]>([], ['JUSTID'], ['FORCE'], ['RETRYCOUNT', '4', 'TIME', '1600000000000'])).map(([k, g, c, ids, o]) => ['XCLAIM', k, g, c, '0', ...ids, ...o]),
];

describeWithOracle('diff: DUMP/RESTORE of streams', () => {
  let pair: DiffPair | undefined;
  let sides: Sides | undefined;
  beforeAll(async () => {
    pair = await DiffPair.start();
    sides = new Sides(await RespConn.connect(pair.oracle.port), await RespConn.connect(pair.subject.port));
  });
  afterAll(async () => {
    sides?.redis.close();
    sides?.subject.close();
    await pair?.stop();
  });

  it('built streams: byte-identical DUMPs without groups, cross-RESTOREs equal with them', async () => {
    const s = sides!;
    await s.both(['FLUSHALL']);
    const build = streamBuild();
    const [r, k] = await Promise.all([s.redis.pipeline(build), s.subject.pipeline(build)]);
    const buildDiffs = build.map((c, i) => (r[i]!.equals(k[i]!) ? null : `${c.join(' ').slice(0, 80)}: ${showBytes(r[i]!).slice(0, 200)} vs ${showBytes(k[i]!).slice(0, 200)}`)).filter((x) => x !== null);
    // XREADGROUP replies are entries (equal); only XCLAIM/XINFO-like time fields could differ, and none are read here.
    expect(buildDiffs).toEqual([]);
    const diffs: string[] = [];
    for (const key of builtKeys) diffs.push(...(await s.crossCheck(key)));
    expect(diffs).toEqual([]);
    // The group-less streams compare byte for byte (checked inside crossCheck); make sure they were streams.
    const [plainDump] = await s.both(['DUMP', 'plain']);
    expect(plainDump[0]).toBe(0x24); // '$': a bulk payload
  });

  it('a Redis 6.2 stream payload (RDB_TYPE_STREAM_LISTPACKS) loads as 7.0 migrates it', async () => {
    const s = sides!;
    await s.both(['FLUSHALL']);
    const [r1, s1] = await s.both(['RESTORE', 'legacy', '0', legacyPayload()]);
    expect(r1.toString('latin1')).toBe('+OK\r\n');
    expect(s1.toString('latin1')).toBe('+OK\r\n');
    const diffs: string[] = [];
    for (const cmd of [['XINFO', 'STREAM', 'legacy', 'FULL'], ['XINFO', 'GROUPS', 'legacy'], ['DUMP', 'legacy'], ['XLEN', 'legacy']]) {
      const [a, b] = await s.both(cmd);
      if (maskInfo(a, false) !== maskInfo(b, false)) diffs.push(`${cmd.join(' ')}\n    redis:   ${showBytes(a).slice(0, 400)}\n    subject: ${showBytes(b).slice(0, 400)}`);
    }
    expect(diffs).toEqual([]);
  });

  it('malformed stream payloads: refused with Redis\'s error', async () => {
    const s = sides!;
    await s.both(['FLUSHALL']);
    await s.both(['XADD', 'x', '1-1', 'f', 'v']);
    const [dumpReply] = await s.both(['DUMP', 'x']);
    const good = bulkOf(dumpReply)!;
    // A wrong checksum, and a stream type byte on a payload that is not a stream.
    const flipped = Buffer.from(good);
    flipped[5] = flipped[5]! ^ 0xff;
    for (const payload of [flipped, good.subarray(0, good.length - 3)]) {
      const [a, b] = await s.both(['RESTORE', 'y', '0', payload]);
      expect(b.toString('latin1')).toBe(a.toString('latin1'));
    }
  });

  it('an exact MINID trim that empties a node keeps it, as Redis does (it crashed the engine), and it DUMPs and RESTOREs equal', async () => {
    const s = sides!;
    await s.both(['FLUSHALL']);
    // Node [1, 2, 3]; 3 deleted; MINID 3 deletes 1 and 2: no live entry left, but the
    // node's last entry (3, a tombstone) is not below 3, so Redis keeps the node.
    const seq: Cmd[] = [['XADD', 's1', '1', 'f', 'v'], ['XADD', 's1', '2', 'f', 'v'], ['XADD', 's1', '3', 'f', 'v'], ['XDEL', 's1', '3'], ['XTRIM', 's1', 'MINID', '3'],
      ['XLEN', 's1'], ['XRANGE', 's1', '-', '+'], ['XREVRANGE', 's1', '+', '-'], ['XINFO', 'STREAM', 's1']];
    const [r, k] = await Promise.all([s.redis.pipeline(seq), s.subject.pipeline(seq)]);
    expect(k.map((b) => b.toString('latin1'))).toEqual(r.map((b) => b.toString('latin1')));
    expect(r[8]!.toString('latin1')).toContain('radix-tree-keys\r\n:1\r\n');
    expect(await s.crossCheck('s1')).toEqual([]);
    // Appending goes into the emptied node, and a later trim drops it, on both.
    const more: Cmd[] = [['XADD', 's1', '4', 'f', 'w'], ['XINFO', 'STREAM', 's1'], ['XTRIM', 's1', 'MAXLEN', '0'], ['XINFO', 'STREAM', 's1'], ['PING']];
    const [r2, k2] = await Promise.all([s.redis.pipeline(more), s.subject.pipeline(more)]);
    expect(k2.map((b) => b.toString('latin1'))).toEqual(r2.map((b) => b.toString('latin1')));
  });

  it('random stream command sequences: every stream cross-DUMPs and RESTOREs equal', async () => {
    const s = sides!;
    let firstFailure: string[] | null = null;
    const growing = fc.tuple(skey, fc.integer({ min: 1, max: 400 }), fvs).map(([k, ms, fv]) => ['XADD', k, String(ms), ...fv] as Cmd);
    const command = fc.oneof({ weight: 10, arbitrary: growing }, ...randomCommands.map((arbitrary) => ({ weight: 1, arbitrary })));
    const result = await fc.check(
      fc.asyncProperty(fc.array(command, { minLength: 20, maxLength: 250, size: 'max' }), async (seq) => {
        await s.both(['FLUSHALL']);
        await Promise.all([s.redis.pipeline(seq), s.subject.pipeline(seq)]);
        const diffs = [...(await s.crossCheck('s1')), ...(await s.crossCheck('s2'))];
        if (diffs.length > 0 && firstFailure === null) firstFailure = diffs;
        return diffs.length === 0;
      }),
      { numRuns: runCount, interruptAfterTimeLimit: timeLimitMs, markInterruptAsFailure: false },
    );
    if (result.failed) {
      const [minimal] = (result.counterexample ?? [[]]) as [Cmd[]];
      expect.fail(`fast-check seed ${result.seed}\n${minimal.map((c) => '  ' + c.join(' ').slice(0, 100)).join('\n')}\n-- differences --\n${(firstFailure ?? []).join('\n')}`);
    }
    expect(result.numRuns).toBeGreaterThan(0);
  });
});
