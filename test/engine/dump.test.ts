// DUMP payloads (src/engine/dump.ts, crc64.ts, lzf.ts): the codec alone, and
// byte-compatibility with a real redis-server 7.0 in both directions: for strings of
// every encoding class (small ints, int32 bounds, non-canonical numbers, short, long
// compressible, long incompressible, binary) redis-server's DUMP equals ours byte for
// byte, and redis-server RESTOREs what we produce to the same value.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { crc64 } from '../../src/engine/crc64.js';
import { createDumpPayload, loadDumpPayload, RdbType, rdbVersion, registerRdbLoader, registerRdbSaver, verifyDumpPayload } from '../../src/engine/dump.js';
import { RObject } from '../../src/engine/keyspace.js';
import { lzfCompress, lzfDecompress } from '../../src/engine/lzf.js';
import type { ServerHandle } from '../support/child-server.js';
import { describeWithOracle } from '../support/oracle-guard.js';
import { startRedis } from '../support/redis-oracle.js';
import { RespConn } from '../support/resp-conn.js';

/** A deterministic PRNG for generating test strings (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Strings covering every branch of rdbSaveRawString and of the LZF compressor. */
function sampleStrings(): string[] {
  const out = [
    '', '0', '1', '-1', '-0', '00', '01', '+1', ' 1', '127', '128', '-128', '-129', '32767', '32768', '-32768', '-32769',
    '2147483647', '2147483648', '-2147483648', '-2147483649', '12345678901', '9223372036854775807', '-9223372036854775808',
    '9223372036854775808', '1.5', '1e3', 'hello', 'x'.repeat(20), 'x'.repeat(21), 'x'.repeat(44), 'x'.repeat(45),
    'abcabcabcabcabcabcabcabc', 'a'.repeat(300), 'ab'.repeat(5000), '\u0000\u00ff'.repeat(40),
    '01234567890123456789012345', // 26 incompressible-ish bytes
  ];
  const rnd = prng(1234);
  for (let n = 0; n < 160; n++) {
    const len = n < 100 ? 21 + Math.floor(rnd() * 120) : Math.floor(rnd() * 20_000);
    const alphabet = 1 + Math.floor(rnd() * (rnd() < 0.5 ? 4 : 256));
    let s = '';
    for (let i = 0; i < len; i++) {
      // Mostly copies of recent bytes, so back references of every length and offset occur.
      if (i > 8 && rnd() < 0.4) s += s[i - 1 - Math.floor(rnd() * Math.min(i, rnd() < 0.1 ? 9000 : 12))];
      else s += String.fromCharCode(Math.floor(rnd() * alphabet) + (alphabet < 5 ? 97 : 0));
    }
    out.push(s);
  }
  return out;
}

function bulkBody(reply: Buffer): Buffer {
  expect(reply[0]).toBe(36); // '$'
  const headerEnd = reply.indexOf('\r\n');
  return reply.subarray(headerEnd + 2, reply.length - 2);
}

describe('crc64 (Jones, as Redis)', () => {
  test('check value and incremental use', () => {
    const data = Buffer.from('123456789', 'latin1');
    expect(crc64(data)).toBe(0xe9c6d914c4b8d9can);
    expect(crc64(data, crc64(data, 0n, 0, 4), 4)).toBe(0xe9c6d914c4b8d9can);
    expect(crc64(Buffer.alloc(0))).toBe(0n);
  });
});

describe('lzf', () => {
  test('round trip on arbitrary bytes; never longer than the limit', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 3000 }), fc.integer({ min: 1, max: 4000 }), (bytes, limit) => {
        const out = lzfCompress(bytes, limit);
        if (out === null) return;
        expect(out.length).toBeLessThanOrEqual(limit);
        expect(lzfDecompress(out, bytes.length)?.equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  test('compresses repetitive input, refuses when it cannot save bytes', () => {
    const runs = Buffer.from('a'.repeat(1000), 'latin1');
    const out = lzfCompress(runs, runs.length - 4)!;
    expect(out.length).toBeLessThan(40);
    expect(lzfDecompress(out, 1000)?.toString('latin1')).toBe('a'.repeat(1000));
    expect(lzfCompress(Buffer.from('abcdefghijklmnopqrstuvwxyz', 'latin1'), 22)).toBeNull();
  });

  test('decompressing garbage never throws and never returns the wrong length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 0, max: 500 }), (bytes, len) => {
        const out = lzfDecompress(bytes, len);
        if (out !== null) expect(out.length).toBe(len);
      }),
      { numRuns: 500 },
    );
  });
});

describe('payload codec', () => {
  test('every sample string round-trips and verifies', () => {
    for (const s of sampleStrings()) {
      const p = createDumpPayload(s)!;
      expect(p[0]).toBe(RdbType.string);
      expect(p.readUInt16LE(p.length - 10)).toBe(rdbVersion);
      expect(verifyDumpPayload(p)).toBe(true);
      expect(loadDumpPayload(p)).toBe(s);
    }
  });

  test('golden payloads (as redis-server 7.0.15 writes them)', () => {
    // Fully pinned: `SET n 1234` then `DUMP n` on redis-server 7.0.15.
    expect(createDumpPayload('1234')!.toString('hex')).toBe('00c1d2040a00' + '008708a144825ced');
    expect(createDumpPayload('v')!.subarray(0, 3).toString('hex')).toBe('000176');
  });

  test('any corruption of a payload is caught by the checksum', () => {
    const p = createDumpPayload('some value that is long enough to compress compress compress')!;
    for (let i = 0; i < p.length; i++) {
      const bad = Buffer.from(p);
      bad[i] ^= 0x20;
      expect(verifyDumpPayload(bad)).toBe(false);
    }
    expect(verifyDumpPayload(p.subarray(0, 9))).toBe(false);
  });

  test('malformed bodies with a valid footer are refused, not thrown', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 60 }), (body) => {
        const p = Buffer.alloc(body.length + 10);
        p.set(body);
        p.writeUInt16LE(rdbVersion, body.length);
        p.writeBigUInt64LE(crc64(p, 0n, 0, body.length + 2), body.length + 2);
        expect(verifyDumpPayload(p)).toBe(true);
        const v = loadDumpPayload(p);
        expect(v === null || typeof v === 'string').toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('type registry', () => {
  // A stand-in type module: values saved as a length and elements, under an RDB type
  // number no real KeelDB type uses (module2), so the plumbing is tested in isolation.
  class FakeStream extends RObject {
    readonly type = 'stream' as const;
    constructor(readonly items: string[]) {
      super();
    }
    encoding(): string {
      return 'fake';
    }
    clone(): FakeStream {
      return new FakeStream([...this.items]);
    }
  }

  test('unregistered types are refused both ways; registered ones round-trip', () => {
    const value = new FakeStream(['a', '12', 'x'.repeat(100), '']);
    expect(createDumpPayload(value)).toBeNull();
    registerRdbSaver('stream', (w, v) => {
      const items = (v as FakeStream).items;
      w.len(items.length);
      for (const it of items) w.blob(Buffer.from(it, 'latin1'));
      return RdbType.module2;
    });
    const payload = createDumpPayload(value)!;
    expect(payload[0]).toBe(RdbType.module2);
    expect(loadDumpPayload(payload)).toBeNull();
    registerRdbLoader(RdbType.module2, (r) => {
      const n = r.len();
      const items: string[] = [];
      for (let i = 0; i < n; i++) items.push(r.string());
      return new FakeStream(items);
    });
    const loaded = loadDumpPayload(payload) as FakeStream;
    expect(loaded.items).toEqual(value.items);
    expect(() => registerRdbLoader(RdbType.module2, () => '')).toThrow(/twice/);
  });
});

describeWithOracle('DUMP compatibility with redis-server', () => {
  let redis: ServerHandle;
  let conn: RespConn;

  beforeAll(async () => {
    redis = await startRedis();
    conn = await RespConn.connect(redis.port);
  }, 30_000);

  afterAll(async () => {
    conn?.close();
    await redis?.stop();
  });

  test('redis-server DUMP equals ours byte for byte', async () => {
    const strings = sampleStrings();
    const sets = strings.map((s, i) => ['SET', `k${i}`, Buffer.from(s, 'latin1')]);
    const dumps = strings.map((_, i) => ['DUMP', `k${i}`]);
    await conn.pipeline(sets);
    const replies = await conn.pipeline(dumps);
    let compressed = 0;
    strings.forEach((s, i) => {
      const theirs = bulkBody(replies[i]!);
      const ours = createDumpPayload(s)!;
      if (theirs[1] === 0xc3) compressed++;
      expect(ours.toString('hex'), `string #${i} of ${s.length} bytes`).toBe(theirs.toString('hex'));
      expect(loadDumpPayload(Buffer.from(theirs))).toBe(s);
    });
    expect(compressed).toBeGreaterThan(50); // the LZF path was really compared
  }, 30_000);

  test('redis-server RESTOREs our payloads to the same values', async () => {
    const strings = sampleStrings();
    const restores = strings.map((s, i) => ['RESTORE', `r${i}`, '0', createDumpPayload(s)!]);
    const replies = await conn.pipeline(restores);
    for (const reply of replies) expect(reply.toString('latin1')).toBe('+OK\r\n');
    const gets = await conn.pipeline(strings.map((_, i) => ['GET', `r${i}`]));
    strings.forEach((s, i) => expect(bulkBody(gets[i]!).toString('latin1')).toBe(s));
  }, 30_000);
});
