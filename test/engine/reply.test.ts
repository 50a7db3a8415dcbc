import { describe, expect, it } from 'vitest';
import { EntryKind, ReplyWriter, formatDouble } from '../../src/engine/reply.js';

function body(w: ReplyWriter): string {
  return w.buf.latin1Slice(0, w.length);
}

describe('ReplyWriter', () => {
  it('encodes RESP2 primitives', () => {
    const w = new ReplyWriter(8);
    w.status('OK');
    w.error('ERR syntax error');
    w.int(-42);
    w.int(9223372036854775807n);
    w.bulkLatin1('h\xe9llo');
    w.bulk(Buffer.from([0, 255]));
    w.nil();
    w.nilArray();
    w.array(2);
    w.map(1);
    w.bool(true);
    w.double(1.5);
    expect(body(w)).toBe(
      '+OK\r\n-ERR syntax error\r\n:-42\r\n:9223372036854775807\r\n$5\r\nh\xe9llo\r\n$2\r\n\x00\xff\r\n' +
        '$-1\r\n*-1\r\n*2\r\n*2\r\n:1\r\n$3\r\n1.5\r\n',
    );
  });

  it('writes integers of every size as their decimal text', () => {
    const values = [0, 7, 9, 10, 11, 99, 100, 101, 999, 1000, 123456789, 2147483646, 2147483647, 2147483648, 4294967296, -1, -10, -2147483648, 2 ** 53 - 1, -(2 ** 53 - 1), 1e21];
    for (let i = 0; i < 200; i++) values.push(Math.floor(Math.random() * 2 ** (1 + (i % 52))));
    const w = new ReplyWriter(8);
    for (const n of values) w.int(n);
    for (const n of values) w.array(n);
    expect(body(w)).toBe(values.map((n) => `:${String(n)}\r\n`).join('') + values.map((n) => `*${String(n)}\r\n`).join(''));
  });

  it('encodes RESP3 types', () => {
    const w = new ReplyWriter();
    w.resp = 3;
    w.nil();
    w.map(2);
    w.set(3);
    w.bool(false);
    w.double(-Infinity);
    w.verbatim('hi');
    w.push(3);
    expect(body(w)).toBe('_\r\n%2\r\n~3\r\n#f\r\n,-inf\r\n=6\r\ntxt:hi\r\n>3\r\n');
  });

  it('frames entries with kind, client id and body length, and drops empty ones on request', () => {
    const w = new ReplyWriter();
    w.beginEntry(EntryKind.reply, 7);
    w.status('PONG');
    w.endEntry();
    w.beginEntry(EntryKind.reply, 8);
    w.endEntryOrDropIfEmpty();
    expect(w.length).toBe(9 + 7);
    expect(w.buf[0]).toBe(EntryKind.reply);
    expect(w.buf.readUInt32LE(1)).toBe(7);
    expect(w.buf.readUInt32LE(5)).toBe(7);
    expect(w.buf.latin1Slice(9, 16)).toBe('+PONG\r\n');
    expect(() => w.endEntry()).toThrow(/without beginEntry/);
  });

  it('inserts deferred aggregate headers before their bodies', () => {
    const w = new ReplyWriter(4);
    w.status('X');
    const h = w.beginDeferred();
    for (let i = 0; i < 12; i++) w.int(i);
    w.endDeferred(h, 12);
    expect(body(w)).toBe('+X\r\n*12\r\n' + Array.from({ length: 12 }, (_, i) => `:${i}\r\n`).join(''));
    const w3 = new ReplyWriter();
    w3.resp = 3;
    const m = w3.beginDeferred();
    w3.bulkLatin1('a');
    w3.int(1);
    w3.endDeferred(m, 1, 'map');
    expect(body(w3)).toBe('%1\r\n$1\r\na\r\n:1\r\n');
  });

  it('grows past its initial size without losing bytes', () => {
    const w = new ReplyWriter(16);
    const big = Buffer.alloc(100_000, 0x61);
    w.bulk(big);
    expect(w.length).toBe(100_000 + 2 + 8 + 1);
    expect(w.buf.latin1Slice(0, 9)).toBe('$100000\r\n');
    expect(w.buf[9 + 99_999]).toBe(0x61);
  });

  it('formats doubles as %.17g does', () => {
    expect(formatDouble(1.5)).toBe('1.5');
    expect(formatDouble(0.1)).toBe('0.10000000000000001');
    expect(formatDouble(1e20)).toBe('1e+20');
    expect(formatDouble(123456789012345680)).toBe('1.2345678901234568e+17');
    expect(formatDouble(1e-5)).toBe('1.0000000000000001e-05');
    expect(formatDouble(0.0001)).toBe('0.0001');
    expect(formatDouble(-0)).toBe('-0');
    expect(formatDouble(3)).toBe('3');
    expect(formatDouble(Infinity)).toBe('inf');
  });
});
