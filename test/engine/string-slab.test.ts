// StringSlab (src/engine/string-slab.ts) alone, and the keyspace's ownership of its
// handles (src/engine/keyspace.ts): every path that replaces or removes a slab-held
// value frees its handle exactly once, so the live count returns to 0.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Keyspace, RObject } from '../../src/engine/keyspace.js';
import { StringSlab, stringSlabValueBytesMax } from '../../src/engine/string-slab.js';
import { newEngine, openClient, runCommand } from './support/run.js';

class FakeList extends RObject {
  readonly type = 'list' as const;
  encoding(): string {
    return 'quicklist';
  }
  clone(): RObject {
    return new FakeList();
  }
}

function makeKeyspace(): Keyspace {
  return new Keyspace({ modified: () => {}, expired: () => {} }, () => 0.5);
}

const bytesOf = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('StringSlab', () => {
  it('warm reads a live handle and ignores one that names no slot', () => {
    const slab = new StringSlab();
    const h = slab.alloc(bytesOf('v'.repeat(100)));
    expect(() => slab.warm(h)).not.toThrow();
    expect(() => slab.warm(63)).not.toThrow(); // a class the slab does not have
    expect(() => slab.warm((1 << 24) | (h & 63))).not.toThrow(); // past the class's chunks
    expect(slab.latin1(h)).toBe('v'.repeat(100));
  });

  it('overwrites a value in place when the new bytes fit its size class, else changes nothing', () => {
    const slab = new StringSlab();
    const h = slab.alloc(bytesOf('x'.repeat(100)));
    const other = slab.alloc(bytesOf('n'.repeat(100))); // the same class: it keeps its chunk
    expect(slab.overwrite(h, bytesOf('y'.repeat(99)))).toBe(true);
    expect(slab.latin1(h)).toBe('y'.repeat(99));
    expect(slab.overwrite(h, bytesOf('z'.repeat(10)))).toBe(false); // a smaller class
    expect(slab.overwrite(h, bytesOf('z'.repeat(stringSlabValueBytesMax + 1)))).toBe(false);
    expect(slab.latin1(h)).toBe('y'.repeat(99));
    expect(slab.latin1(other)).toBe('n'.repeat(100));
    expect(slab.liveCount).toBe(2);
    slab.verify();
    slab.free(h);
    expect(() => slab.overwrite(h, bytesOf('y'.repeat(99)))).toThrow(/free slot/);
  });

  it('keeps a key beside its value when it fits, and matches request bytes against it', () => {
    const slab = new StringSlab();
    const h = slab.alloc(bytesOf('value'), 0, 5, 'key:000000000001');
    expect(slab.keyMatch(h, bytesOf('key:000000000001'))).toBe(1);
    expect(slab.keyMatch(h, bytesOf('key:000000000002'))).toBe(0); // same length, other bytes
    expect(slab.keyMatch(h, bytesOf('key:00000000000'))).toBe(0); // a prefix
    expect(slab.latin1(h)).toBe('value');
    expect(slab.overwrite(h, bytesOf('VALUE'))).toBe(true); // the key stays
    expect(slab.keyMatch(h, bytesOf('key:000000000001'))).toBe(1);
    expect(slab.latin1(h)).toBe('VALUE');
    expect(slab.bytesStart(h)).toBe(slab.foundStart);
    // The empty key and binary keys are kept as they are.
    const empty = slab.alloc(bytesOf('e'), 0, 1, '');
    expect(slab.keyMatch(empty, bytesOf(''))).toBe(1);
    expect(slab.keyMatch(empty, bytesOf('x'))).toBe(0);
    const binary = slab.alloc(bytesOf('b'), 0, 1, '\u0000\u00ff\r\n');
    expect(slab.keyMatch(binary, Buffer.from([0, 255, 13, 10]))).toBe(1);
    // No key given, a key too long to keep, or no room beside the largest value: -1, the
    // value intact.
    const none = slab.alloc(bytesOf('v'));
    expect(slab.keyMatch(none, bytesOf('v'))).toBe(-1);
    const long = slab.alloc(bytesOf('l'), 0, 1, 'k'.repeat(255));
    expect(slab.keyMatch(long, bytesOf('k'.repeat(255)))).toBe(-1);
    const kept254 = slab.alloc(bytesOf('l'), 0, 1, 'k'.repeat(254));
    expect(slab.keyMatch(kept254, bytesOf('k'.repeat(254)))).toBe(1);
    const full = slab.alloc(bytesOf('f'.repeat(stringSlabValueBytesMax)), 0, stringSlabValueBytesMax, 'key');
    expect(slab.keyMatch(full, bytesOf('key'))).toBe(-1);
    expect(slab.latin1(full)).toBe('f'.repeat(stringSlabValueBytesMax));
    // A kept key counts toward the size class: the same value without room for its key
    // cannot be overwritten into the slot.
    const tight = slab.alloc(bytesOf('t'.repeat(stringSlabValueBytesMax - 3)), 0, stringSlabValueBytesMax - 3, 'key');
    expect(slab.keyMatch(tight, bytesOf('key'))).toBe(1);
    expect(slab.overwrite(tight, bytesOf('u'.repeat(stringSlabValueBytesMax - 2)))).toBe(false);
    expect(slab.latin1(tight)).toBe('t'.repeat(stringSlabValueBytesMax - 3));
    expect(slab.warmAll(h)).toBe(true);
    expect(slab.warmAll(none)).toBe(false);
    expect(slab.warmAll(63)).toBe(false); // a class the slab does not have
    slab.verify();
  });

  it('SET over a string value keeps one live handle per key, in place or not', () => {
    const ks = makeKeyspace();
    const db = ks.db(0);
    db.setBytes('k', bytesOf('a'.repeat(100)));
    db.setBytes('k', bytesOf('b'.repeat(100))); // same class: in place
    expect(ks.slab.liveCount).toBe(1);
    expect(db.lookup('k', 0)).toBe('b'.repeat(100)); // materialised: the handle is freed
    expect(ks.slab.liveCount).toBe(0);
    db.setBytes('k', bytesOf('c'.repeat(100))); // over a string
    db.setBytes('k', bytesOf('d'.repeat(5))); // another class: a new handle, the old one freed
    expect(ks.slab.liveCount).toBe(1);
    expect(ks.slab.latin1(db.lookupStored('k', 0) as number)).toBe('d'.repeat(5));
    ks.slab.verify();
  });

  it('keeps each value until freed, reuses freed slots and refuses values past the max', () => {
    const slab = new StringSlab();
    const values = ['', 'a', 'x'.repeat(12), 'y'.repeat(13), 'z'.repeat(100), '\u00ff\u0000'.repeat(600), 'w'.repeat(stringSlabValueBytesMax)];
    const handles = values.map((v) => slab.alloc(bytesOf(v)));
    for (let i = 0; i < values.length; i++) {
      expect(handles[i]).toBeGreaterThanOrEqual(0);
      expect(slab.length(handles[i]!)).toBe(values[i]!.length);
      expect(slab.latin1(handles[i]!)).toBe(values[i]);
    }
    expect(slab.liveCount).toBe(values.length);
    expect(slab.alloc(Buffer.alloc(stringSlabValueBytesMax + 1))).toBe(-1);
    slab.verify();
    const sibling = slab.alloc(bytesOf('s'.repeat(98))); // same class: it stays cut
    slab.free(handles[4]!);
    expect(() => slab.free(handles[4]!)).toThrow(/free of a free slot/);
    expect(() => slab.length(handles[4]!)).toThrow(/not in use/);
    const again = slab.alloc(bytesOf('q'.repeat(99)));
    expect(again).toBe(handles[4]);
    expect(slab.latin1(again)).toBe('q'.repeat(99));
    expect(() => slab.length(1 << 30)).toThrow(/out of range/);
    for (const h of [again, sibling, ...handles.filter((_, i) => i !== 4)]) slab.free(h);
    expect(slab.liveCount).toBe(0);
    expect(slab.chunkBytes()).toBe(0);
    slab.verify();
  });

  it('matches a model under random alloc and free, across chunk boundaries', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 300 }), fc.nat()), { maxLength: 3000 }), (ops) => {
        const slab = new StringSlab();
        const model = new Map<number, string>();
        let n = 0;
        for (const [isAlloc, length, pick] of ops) {
          if (isAlloc || model.size === 0) {
            const v = String.fromCharCode(n++ % 256).repeat(length);
            const h = slab.alloc(bytesOf(v));
            expect(model.has(h)).toBe(false);
            model.set(h, v);
          } else {
            const h = [...model.keys()][pick % model.size]!;
            slab.free(h);
            model.delete(h);
          }
        }
        for (const [h, v] of model) expect(slab.latin1(h)).toBe(v);
        expect(slab.liveCount).toBe(model.size);
        slab.verify();
      }),
      { numRuns: 30 },
    );
    // Many values of one class span chunks.
    const slab = new StringSlab();
    const handles: number[] = [];
    for (let i = 0; i < 70_000; i++) handles.push(slab.alloc(bytesOf(`v${i}`)));
    expect(slab.latin1(handles[69_999]!)).toBe('v69999');
    expect(slab.chunkBytes()).toBeGreaterThan(1024 * 1024);
    for (const h of handles) slab.free(h);
    expect(slab.liveCount).toBe(0);
  });
});

describe('StringSlab big values', () => {
  it('holds a power-of-two value beside its key in a slot 64 bytes over it, and up to 256 KiB', () => {
    const slab = new StringSlab();
    const key = 'key:000000000001';
    // 4096 + 5 + 16 = 4117 bytes: the 4160-byte class, 32 slots to a 256 KiB chunk.
    const h = slab.alloc(Buffer.alloc(4096, 'a'), 0, 4096, key);
    expect(h).toBeGreaterThanOrEqual(0);
    expect(slab.chunkBytes()).toBe(32 * 4160);
    expect(slab.keyMatch(h, bytesOf(key))).toBe(1);
    expect(slab.length(h)).toBe(4096);
    // The slot holds up to 4160 - 5 - 16 bytes: in place; one more moves to another class.
    expect(slab.overwrite(h, Buffer.alloc(4160 - 5 - 16, 'b'))).toBe(true);
    expect(slab.latin1(h)).toBe('b'.repeat(4139));
    expect(slab.overwrite(h, Buffer.alloc(4160 - 5 - 16 + 1, 'c'))).toBe(false);
    expect(slab.latin1(h)).toBe('b'.repeat(4139));
    // A value bigger than a big chunk is a chunk of its own, sized to its class's slot.
    const huge = slab.alloc(Buffer.alloc(200 * 1024, 'h'), 0, 200 * 1024, key);
    expect(slab.chunkBytes()).toBe(32 * 4160 + 229_440);
    expect(slab.latin1(huge)).toBe('h'.repeat(200 * 1024));
    const max = slab.alloc(Buffer.alloc(stringSlabValueBytesMax, 'm'));
    expect(max).toBeGreaterThanOrEqual(0);
    expect(stringSlabValueBytesMax).toBe(256 * 1024 + 64 - 5);
    expect(slab.alloc(Buffer.alloc(stringSlabValueBytesMax + 1))).toBe(-1);
    slab.verify();
    for (const x of [h, huge, max]) slab.free(x);
    expect(slab.liveCount).toBe(0);
    expect(slab.chunkBytes()).toBe(0);
  });

  it('puts every size in the smallest class that holds it, around each class boundary', () => {
    // Lengths near the big classes' edges (4160, 5184, ... 262208 minus header and key),
    // with and without a kept key; verify() checks each slot's class is the smallest.
    const edges: number[] = [4091];
    for (let p = 4096; p <= 256 * 1024; p *= 2) for (let q = 0; q < 4 && p + (p / 4) * q <= 256 * 1024; q++) edges.push(p + (p / 4) * q + 64 - 5);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...edges), fc.integer({ min: -20, max: 20 }), fc.boolean(), fc.nat()), { maxLength: 40 }), (ops) => {
        const slab = new StringSlab();
        const model = new Map<number, string>();
        for (const [edge, delta, withKey, pick] of ops) {
          const n = Math.max(0, Math.min(stringSlabValueBytesMax, edge + delta));
          const v = String.fromCharCode(65 + (pick % 26)).repeat(n);
          const h = slab.alloc(bytesOf(v), 0, n, withKey ? `k${pick % 1000}` : null);
          expect(h).toBeGreaterThanOrEqual(0);
          model.set(h, v);
          // Half the time overwrite another value with this one's bytes: in place exactly
          // when the class is the same (verify() then finds it where it belongs).
          if (pick % 2 === 0 && model.size > 1) {
            const other = [...model.keys()][pick % model.size]!;
            if (slab.overwrite(other, bytesOf(v))) model.set(other, v);
          }
          slab.verify();
        }
        for (const [h, v] of model) expect(slab.latin1(h)).toBe(v);
        for (const h of model.keys()) slab.free(h);
        expect(slab.chunkBytes()).toBe(0);
      }),
      { numRuns: 40 },
    );
  });
});

describe('Db and the slab', () => {
  it('frees a handle on every path that replaces or removes a value', () => {
    const ks = makeKeyspace();
    const db = ks.db(0);
    const slab = ks.slab;
    for (let i = 0; i < 1000; i++) db.setBytes(`k${i}`, bytesOf(`value-${i}`));
    expect(slab.liveCount).toBe(1000);
    db.setBytes('k0', bytesOf('again')); // overwrite by a slab value
    db.set('k1', 'a js string'); // overwrite by a string
    db.set('k2', new FakeList()); // overwrite by another type
    db.overwrite('k3', 'incr-like');
    db.delete('k4');
    db.setExpire('k5', 10);
    expect(db.lookup('k5', 20)).toBeUndefined(); // expired
    expect(slab.liveCount).toBe(1000 - 5);
    // A big value stays a JS string.
    db.setBytes('big', Buffer.alloc(stringSlabValueBytesMax + 1, 'b'));
    expect(slab.liveCount).toBe(995);
    expect(db.lookupStored('big', 0)).toBe('b'.repeat(stringSlabValueBytesMax + 1));
    // lookup materialises: the handle becomes a string and is freed.
    expect(typeof db.lookupStored('k6', 0)).toBe('number');
    expect(db.lookup('k6', 0)).toBe('value-6');
    expect(db.lookupStored('k6', 0)).toBe('value-6');
    expect(slab.liveCount).toBe(994);
    // SWAPDB moves handles; the digest reads them.
    const other = ks.db(1);
    other.setBytes('o', bytesOf('other'));
    ks.swap(0, 1);
    expect(slab.liveCount).toBe(995);
    expect(ks.db(0).lookup('o', 0)).toBe('other');
    expect(ks.db(1).lookup('k7', 0)).toBe('value-7');
    expect(ks.db(1).valueOf(ks.db(1).lookupStored('k8', 0)!)).toBe('value-8');
    expect(ks.db(1).flush()).toBeGreaterThan(990);
    expect(ks.db(0).flush()).toBe(1);
    expect(slab.liveCount).toBe(0);
    slab.verify();
  });

  it('returns to no live handles after commands fill, overwrite, delete, expire, move and flush', () => {
    const engine = newEngine();
    const c = openClient(engine);
    const slab = engine.keyspace.slab;
    for (let i = 0; i < 200; i++) runCommand(engine, c, ['SET', `k${i}`, `v${i}`.repeat(i % 50)]);
    runCommand(engine, c, ['MSET', 'm1', 'a', 'm2', 'b', 'k0', 'c']);
    runCommand(engine, c, ['SETEX', 'e1', '100', 'x']);
    runCommand(engine, c, ['PSETEX', 'e2', '100000', 'y']);
    runCommand(engine, c, ['SETNX', 'n1', 'z']);
    runCommand(engine, c, ['GETSET', 'k1', 'gs']);
    runCommand(engine, c, ['SET', 'k2', 'sg', 'GET', 'EX', '100']);
    runCommand(engine, c, ['MSETNX', 'x1', 'a', 'x2', 'b']);
    expect(slab.liveCount).toBeGreaterThan(200);
    runCommand(engine, c, ['APPEND', 'k3', 'more']);
    runCommand(engine, c, ['INCR', 'k4']);
    runCommand(engine, c, ['RENAME', 'k5', 'renamed']);
    runCommand(engine, c, ['COPY', 'k6', 'copied']);
    runCommand(engine, c, ['MOVE', 'k7', '3']);
    runCommand(engine, c, ['DEL', 'k8', 'k9']);
    runCommand(engine, c, ['UNLINK', 'k10']);
    runCommand(engine, c, ['GETDEL', 'k11']);
    runCommand(engine, c, ['DEL', 'k12']);
    runCommand(engine, c, ['LPUSH', 'k12', 'x']);
    runCommand(engine, c, ['SET', 'k12', 'back to a string']);
    runCommand(engine, c, ['SWAPDB', '0', '3']);
    runCommand(engine, c, ['SETEX', 'gone', '1', 'soon']);
    // Every slab value keeps the key it is stored under, through the moves above.
    for (const db of engine.keyspace.dbs) db.dict.verify();
    runCommand(engine, c, ['FLUSHALL']);
    expect(slab.liveCount).toBe(0);
    slab.verify();
  });

  it('finds keys by their bytes through the copy kept beside each value, across deletes and growth', () => {
    const ks = makeKeyspace();
    const db = ks.db(0);
    for (let i = 0; i < 3000; i++) db.setBytes(`key:${i}`, bytesOf(`v${i}`));
    for (let i = 0; i < 3000; i += 3) db.delete(`key:${i}`); // swap-removes move values and keys together
    db.setBytes('k'.repeat(300), bytesOf('long key, kept as a string only'));
    db.dict.verify();
    for (let i = 0; i < 3000; i++) {
      const v = db.lookupStoredBytes(bytesOf(`key:${i}`), 0);
      if (i % 3 === 0) expect(v).toBeUndefined();
      else expect(db.valueOf(v!)).toBe(`v${i}`);
    }
    expect(db.valueOf(db.lookupStoredBytes(bytesOf('k'.repeat(300)), 0)!)).toBe('long key, kept as a string only');
    expect(db.lookupStoredBytes(bytesOf('key:3000'), 0)).toBeUndefined();
    expect(db.overwriteBytes(bytesOf('key:1'), bytesOf('w1'))).toBe(false); // no keyNamesWanted hook: the general path
    ks.swap(0, 1);
    ks.db(1).dict.verify();
    expect(ks.db(1).valueOf(ks.db(1).lookupStoredBytes(bytesOf('key:2'), 0)!)).toBe('v2');
  });

  it('keeps 4 KiB to 256 KiB values in the slab through SET, GET and APPEND/SETRANGE/GETRANGE/RENAME/COPY', () => {
    const engine = newEngine();
    const c = openClient(engine);
    const slab = engine.keyspace.slab;
    const db = engine.keyspace.db(0);
    const big = Buffer.alloc(16 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 255;
    const bulkOf = (b: Buffer): string => `$${b.length}\r\n${b.toString('latin1')}\r\n`;
    for (const size of [4096, 16 * 1024, 100_000, 256 * 1024]) {
      const value = Buffer.alloc(size);
      for (let i = 0; i < size; i++) value[i] = (i * 13 + size) & 255;
      expect(runCommand(engine, c, ['SET', `s${size}`, value])).toBe('+OK\r\n');
      expect(typeof db.lookupStored(`s${size}`, 0)).toBe('number');
      expect(runCommand(engine, c, ['GET', `s${size}`])).toBe(bulkOf(value));
      expect(runCommand(engine, c, ['STRLEN', `s${size}`])).toBe(`:${size}\r\n`);
    }
    expect(slab.liveCount).toBe(4);
    // Past the max: a JS string, read back the same.
    const past = Buffer.alloc(256 * 1024 + 60, 'p');
    runCommand(engine, c, ['SET', 'past', past]);
    expect(typeof db.lookupStored('past', 0)).toBe('string');
    expect(runCommand(engine, c, ['GET', 'past'])).toBe(bulkOf(past));
    // Over a big value by one of another size class: the old slot freed, one handle.
    runCommand(engine, c, ['SET', 'b', big]);
    runCommand(engine, c, ['SET', 'b', big.subarray(0, 5000)]);
    expect(slab.liveCount).toBe(5);
    expect(runCommand(engine, c, ['GET', 'b'])).toBe(bulkOf(big.subarray(0, 5000)));
    runCommand(engine, c, ['SET', 'b', big]);
    expect(runCommand(engine, c, ['GETRANGE', 'b', '4090', '4101'])).toBe(bulkOf(big.subarray(4090, 4102)));
    expect(runCommand(engine, c, ['APPEND', 'b', 'tail'])).toBe(`:${big.length + 4}\r\n`);
    expect(runCommand(engine, c, ['SETRANGE', 'b', '8000', 'XY'])).toBe(`:${big.length + 4}\r\n`);
    const expected = Buffer.concat([big, bytesOf('tail')]);
    expected.write('XY', 8000, 'latin1');
    expect(runCommand(engine, c, ['GET', 'b'])).toBe(bulkOf(expected));
    expect(slab.liveCount).toBe(4); // b was materialised by GETRANGE
    runCommand(engine, c, ['SET', 'r', big]);
    runCommand(engine, c, ['RENAME', 'r', 'r2']);
    runCommand(engine, c, ['COPY', 's4096', 'c4096']);
    expect(runCommand(engine, c, ['GET', 'r2'])).toBe(bulkOf(big));
    expect(runCommand(engine, c, ['GET', 'c4096'])).toBe(runCommand(engine, c, ['GET', 's4096']));
    for (const d of engine.keyspace.dbs) d.dict.verify();
    slab.verify();
    runCommand(engine, c, ['FLUSHALL']);
    expect(slab.liveCount).toBe(0);
    expect(slab.chunkBytes()).toBe(0);
  });

  it('answers reads of slab-held values as of the same value held as a string', () => {
    const engine = newEngine();
    const c = openClient(engine);
    const value = Buffer.from([0, 1, 2, 13, 10, 255, 128, 65]);
    runCommand(engine, c, ['SET', 'k', value]);
    runCommand(engine, c, ['SET', 'n', '12345']);
    expect(typeof engine.keyspace.db(0).lookupStored('k', 0)).toBe('number');
    expect(runCommand(engine, c, ['GET', 'k'])).toBe(`$8\r\n${value.toString('latin1')}\r\n`);
    expect(runCommand(engine, c, ['MGET', 'k', 'nokey', 'n'])).toBe(`*3\r\n$8\r\n${value.toString('latin1')}\r\n$-1\r\n$5\r\n12345\r\n`);
    expect(runCommand(engine, c, ['STRLEN', 'k'])).toBe(':8\r\n');
    expect(runCommand(engine, c, ['TYPE', 'k'])).toBe('+string\r\n');
    expect(runCommand(engine, c, ['EXISTS', 'k', 'n', 'nokey'])).toBe(':2\r\n');
    expect(runCommand(engine, c, ['GETEX', 'k', 'PX', '100000'])).toBe(`$8\r\n${value.toString('latin1')}\r\n`);
    expect(runCommand(engine, c, ['SET', 'k', 'new', 'GET'])).toBe(`$8\r\n${value.toString('latin1')}\r\n`);
    expect(runCommand(engine, c, ['OBJECT', 'ENCODING', 'n'])).toBe('$3\r\nint\r\n');
    expect(runCommand(engine, c, ['INCR', 'n'])).toBe(':12346\r\n');
    expect(runCommand(engine, c, ['GETRANGE', 'k', '1', '-1'])).toBe('$2\r\new\r\n');
    expect(engine.keyspace.slab.liveCount).toBe(0); // both materialised by the ordinary reads
  });
});
