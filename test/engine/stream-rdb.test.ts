// The stream RDB codec alone (src/engine/types/stream-rdb.ts, dump.ts's 64-bit lengths):
// round trips of streams with tombstones, groups and 64-bit ids, and the malformed
// payloads the loader must refuse (null: "Bad data format") instead of building a stream
// that breaks RStream's invariants. Byte-compatibility with redis-server is in
// test/diff/dump-streams.test.ts.

import { describe, expect, test } from 'vitest';
import { crc64 } from '../../src/engine/crc64.js';
import { createDumpPayload, loadDumpPayload, RdbReader, RdbWriter } from '../../src/engine/dump.js';
import '../../src/engine/types/stream-rdb.js';
import { nodeListpack } from '../../src/engine/types/stream-rdb.js';
import { invalidEntriesRead, makeId, Nack, RStream, u64Max } from '../../src/engine/types/stream.js';

function sample(): RStream {
  const s = new RStream();
  for (let i = 1; i <= 150; i++) s.append(makeId(BigInt(i), 0n), i % 4 === 0 ? ['other', String(i)] : ['f', `v${i}`, 'n', String(i * 1000)]);
  s.delete(makeId(3n, 0n));
  s.delete(makeId(120n, 0n));
  s.append(makeId(u64Max - 1n, u64Max), ['big', 'x'.repeat(5000)]);
  s.updateFirstId();
  const g = s.createGroup('g', makeId(10n, 0n), 10);
  s.createGroup('h', 0n, invalidEntriesRead);
  const c = g.createConsumer('c', 1_700_000_000_123);
  g.createConsumer('idle', 1_600_000_000_000);
  for (const ms of [5n, 7n]) {
    const n = new Nack(c, 1_700_000_000_000 + Number(ms), Number(ms));
    c.pel.set(makeId(ms, 0n), n);
    g.pel.set(makeId(ms, 0n), n);
  }
  return s;
}

/** A payload with its footer and CRC recomputed over `body` (type byte + value). */
function payloadOf(body: Buffer): Buffer {
  const out = Buffer.alloc(body.length + 10);
  body.copy(out);
  out.writeUInt16LE(10, body.length);
  out.writeBigUInt64LE(crc64(out, 0n, 0, body.length + 2), body.length + 2);
  return out;
}

describe('stream RDB codec', () => {
  test('round trip keeps entries, tombstones, metadata, groups and PELs', () => {
    const s = sample();
    const payload = createDumpPayload(s)!;
    expect(payload[0]).toBe(19);
    const back = loadDumpPayload(payload) as RStream;
    expect(back).toBeInstanceOf(RStream);
    expect(back.digestParts()).toEqual(s.digestParts());
    expect(back.nodes.map((n) => [n.masterId, n.live, n.deleted, n.bytes])).toEqual(s.nodes.map((n) => [n.masterId, n.live, n.deleted, n.bytes]));
    expect(createDumpPayload(back)!.equals(payload)).toBe(true);
    expect(back.groups.get('h')!.entriesRead).toBe(invalidEntriesRead);
    expect(back.groups.get('g')!.consumers.get('c')!.pel.get(makeId(7n, 0n))!.deliveryCount).toBe(7);
  });

  test('a node\'s computed size is its listpack\'s size', () => {
    const s = sample();
    for (const n of s.nodes) expect(nodeListpack(n).length).toBe(n.bytes);
  });

  test('64-bit lengths: RDB_64BITLEN above 2^32, read back as bigints', () => {
    const w = new RdbWriter();
    for (const v of [0n, 63n, 16383n, 0xffffffffn, 0x100000000n, u64Max]) w.len64(v);
    w.millisecondTime(-5);
    const r = new RdbReader(w.bytes());
    expect([r.len64(), r.len64(), r.len64(), r.len64(), r.len64(), r.len64()]).toEqual([0n, 63n, 16383n, 0xffffffffn, 0x100000000n, u64Max]);
    expect(r.millisecondTime()).toBe(-5);
    expect(w.bytes()[w.bytes().length - 8 - 9]).toBe(0x81);
  });

  test('malformed payloads are refused', () => {
    const body = (write: (w: RdbWriter) => void): Buffer => {
      const w = new RdbWriter();
      w.byte(19);
      write(w);
      return payloadOf(Buffer.from(w.bytes()));
    };
    const tail = (w: RdbWriter, length: number, groups: (w: RdbWriter) => void = (x) => x.len(0)): void => {
      w.len(length);
      for (let i = 0; i < 6; i++) w.len(i < 2 ? 9 : 0);
      w.len(length);
      groups(w);
    };
    const s = new RStream();
    s.append(makeId(9n, 9n), ['f', 'v']);
    const good = nodeListpack(s.nodes[0]!);
    const base = (w: RdbWriter, lp: Buffer = good): void => {
      w.len(1);
      const k = Buffer.alloc(16);
      k.writeBigUInt64BE(9n, 0);
      k.writeBigUInt64BE(9n, 8);
      w.blob(k);
      w.blob(lp);
    };
    // The well-formed shape loads.
    expect(loadDumpPayload(body((w) => { base(w); tail(w, 1); }))).toBeInstanceOf(RStream);
    // Length disagreeing with the node.
    expect(loadDumpPayload(body((w) => { base(w); tail(w, 2); }))).toBeNull();
    // Node key of the wrong size.
    expect(loadDumpPayload(body((w) => { w.len(1); w.blob(Buffer.alloc(8)); w.blob(good); tail(w, 1); }))).toBeNull();
    // A listpack whose master count says 2 live entries.
    const lying = Buffer.from(good);
    expect(lying[6]).toBe(1); // the master entry's count, a 7-bit listpack integer
    lying[6] = 2;
    expect(loadDumpPayload(body((w) => { base(w, lying); tail(w, 1); }))).toBeNull();
    // A group PEL entry no consumer owns.
    const pelWithoutOwner = (w: RdbWriter): void => {
      w.len(1);
      w.string('g');
      w.len(0);
      w.len(0);
      w.len(0);
      w.len(1);
      w.raw(Buffer.alloc(16));
      w.millisecondTime(1);
      w.len(1);
      w.len(0);
    };
    expect(loadDumpPayload(body((w) => { base(w); tail(w, 1, pelWithoutOwner); }))).toBeNull();
    // Truncated before the groups.
    expect(loadDumpPayload(body((w) => { base(w); w.len(1); }))).toBeNull();
  });
});
