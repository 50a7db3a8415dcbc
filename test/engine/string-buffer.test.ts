// In-place string writes (src/engine/string-buffer.ts, Db's write buffers in keyspace.ts,
// SETBIT/BITFIELD in commands/bitmaps.ts): the buffer alone, and the keyspace's promise
// that nobody sees a stale string. An engine whose big bitmap was written in place must
// be indistinguishable from one that holds the same bytes written the ordinary way:
// same GET, DUMP, OBJECT ENCODING, TTL and keyspace digest (which reads the dict
// directly, with no lookup in between). MEMORY USAGE differs on purpose: a string that
// SETBIT lengthened reports sds's greedy allocation, as Redis does
// (test/diff/memory-usage.test.ts), one written whole its exact size.

import { describe, expect, test } from 'vitest';
import { keyspaceDigest } from '../../src/engine/digest.js';
import { StringBuffer } from '../../src/engine/string-buffer.js';
import { stringInPlaceBytesMin } from '../../src/limits.js';
import { newEngine, openClient, runCommand } from './support/run.js';

describe('StringBuffer', () => {
  test('holds the string\'s bytes and grows with zeros', () => {
    const sb = StringBuffer.from('ab\u00ff');
    expect(sb.length).toBe(3);
    expect([...sb.view()]).toEqual([0x61, 0x62, 0xff]);
    sb.buf[1] = 0x41;
    sb.ensureLength(10);
    expect(sb.toLatin1()).toBe('aA\u00ff' + '\0'.repeat(7));
    sb.ensureLength(5); // never shrinks
    expect(sb.length).toBe(10);
    const capacity = sb.buf.length;
    sb.ensureLength(capacity + 1);
    expect(sb.buf.length).toBeGreaterThanOrEqual(2 * (capacity + 1)); // greedy: amortized O(1) growth
    expect(sb.view().every((b, i) => i < 3 || b === 0 || i === 1)).toBe(true);
  });
});

describe('in-place writes in the keyspace', () => {
  const bigLength = stringInPlaceBytesMin + 1000;
  const base = Buffer.from(Array.from({ length: bigLength }, (_, i) => (i * 13) & 0xff));

  test('an in-place bitmap is indistinguishable from the same bytes written whole', () => {
    const a = newEngine();
    const b = newEngine();
    const ca = openClient(a);
    const cb = openClient(b);
    runCommand(a, ca, ['SET', 'bm', base]);
    runCommand(a, ca, ['PEXPIREAT', 'bm', '99999999999999']);
    for (let i = 0; i < 500; i++) runCommand(a, ca, ['SETBIT', 'bm', String((i * 7919) % ((bigLength + 300) * 8)), String(i & 1)]);
    runCommand(a, ca, ['BITFIELD', 'bm', 'SET', 'u16', '#10', '65535', 'INCRBY', 'i8', '800', '5']);
    // Digest first: it reads the dict with no lookup in between, so it must settle the buffer.
    const digestA = keyspaceDigest(a.keyspace);
    const value = runCommand(a, ca, ['GET', 'bm']);
    const bytes = Buffer.from(value.slice(value.indexOf('\r\n') + 2, -2), 'latin1');
    expect(bytes.length).toBeGreaterThan(bigLength);
    // The same bytes, written whole, then made 'raw' by an in-place SETRANGE of one byte.
    runCommand(b, cb, ['SET', 'bm', bytes]);
    runCommand(b, cb, ['PEXPIREAT', 'bm', '99999999999999']);
    runCommand(b, cb, ['SETRANGE', 'bm', '0', bytes.subarray(0, 1)]);
    expect(keyspaceDigest(b.keyspace)).toBe(digestA);
    for (const cmd of [['GET', 'bm'], ['STRLEN', 'bm'], ['OBJECT', 'ENCODING', 'bm'], ['DUMP', 'bm'], ['TTL', 'bm'], ['BITCOUNT', 'bm'], ['GETBIT', 'bm', '12345']]) {
      expect(runCommand(a, ca, cmd), cmd.join(' ')).toBe(runCommand(b, cb, cmd));
    }
  });

  test('any other write drops the buffer; SWAPDB, RENAME and FLUSHALL see current bytes', () => {
    const e = newEngine();
    const c = openClient(e);
    runCommand(e, c, ['SET', 'k', base]);
    runCommand(e, c, ['SETBIT', 'k', '7', '0']);
    runCommand(e, c, ['SETBIT', 'k', '0', '1']);
    // k's first byte: 0x00 with bit 0 set and bit 7 cleared = 0x80.
    expect(runCommand(e, c, ['GETRANGE', 'k', '0', '0'])).toBe('$1\r\n\x80\r\n');
    runCommand(e, c, ['SETBIT', 'k', '1', '1']);
    runCommand(e, c, ['SWAPDB', '0', '1']);
    runCommand(e, c, ['SELECT', '1']);
    expect(runCommand(e, c, ['GETRANGE', 'k', '0', '0'])).toBe('$1\r\n\xc0\r\n');
    runCommand(e, c, ['SETBIT', 'k', '2', '1']);
    runCommand(e, c, ['RENAME', 'k', 'r']);
    expect(runCommand(e, c, ['GETRANGE', 'r', '0', '0'])).toBe('$1\r\n\xe0\r\n');
    // A write through the buffer, then SET replaces the value: the buffer must not come back.
    runCommand(e, c, ['SETBIT', 'r', '3', '1']);
    runCommand(e, c, ['SET', 'r', base]);
    expect(runCommand(e, c, ['GETBIT', 'r', '3'])).toBe(':0\r\n');
    runCommand(e, c, ['SETBIT', 'r', '4', '1']);
    runCommand(e, c, ['DEL', 'r']);
    expect(runCommand(e, c, ['GETBIT', 'r', '4'])).toBe(':0\r\n');
    runCommand(e, c, ['SET', 'r', base]);
    runCommand(e, c, ['SETBIT', 'r', '5', '1']);
    runCommand(e, c, ['FLUSHALL']);
    expect(runCommand(e, c, ['EXISTS', 'r'])).toBe(':0\r\n');
    // A list under the same name: WRONGTYPE, never the old buffer.
    runCommand(e, c, ['SET', 'r', base]);
    runCommand(e, c, ['SETBIT', 'r', '6', '1']);
    runCommand(e, c, ['DEL', 'r']);
    runCommand(e, c, ['RPUSH', 'r', 'x']);
    expect(runCommand(e, c, ['SETBIT', 'r', '6', '1'])).toMatch(/^-WRONGTYPE/);
    expect(runCommand(e, c, ['GETBIT', 'r', '6'])).toMatch(/^-WRONGTYPE/);
  });
});
