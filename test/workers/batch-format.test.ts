// The request-batch record format (in-process): what the io-mux's BatchEncoder writes,
// the worker's RequestReader reads back, entry for entry; records stay under their
// limit; a command too big for a record becomes a jumbo record of its own, in order.

import { describe, expect, it } from 'vitest';
import { BatchEncoder, RecordKind, RequestKind, RequestReader, fromJumboMessage, toJumboMessage } from '../../src/workers/batch-format.js';
import { BusyChange } from '../../src/workers/control-area.js';

interface Decoded {
  kind: number;
  clientId: number;
  argv?: string[];
  text?: string[];
  change?: number;
}

function decode(record: Buffer): Decoded[] {
  const r = new RequestReader();
  r.reset(record);
  const out: Decoded[] = [];
  while (!r.done) {
    const kind = r.u8();
    const clientId = r.u32();
    if (kind === RequestKind.command) {
      const argc = r.u32();
      const argv: string[] = [];
      for (let i = 0; i < argc; i++) argv.push(r.bytes(r.u32()).toString('latin1'));
      out.push({ kind, clientId, argv });
    } else if (kind === RequestKind.busyApplied) {
      const change = r.u8();
      const argc = r.u32();
      const argv: string[] = [];
      for (let i = 0; i < argc; i++) argv.push(r.bytes(r.u32()).toString('latin1'));
      out.push({ kind, clientId, change, argv });
    } else if (kind === RequestKind.open) {
      out.push({ kind, clientId, text: [r.latin1(), r.latin1()] });
    } else if (kind === RequestKind.protocolError) {
      out.push({ kind, clientId, text: [r.latin1()] });
    } else {
      out.push({ kind, clientId });
    }
  }
  return out;
}

function collect(recordBytesMax: number, flushBytes: number): { encoder: BatchEncoder; records: { bytes: Buffer; owned: boolean }[] } {
  const records: { bytes: Buffer; owned: boolean }[] = [];
  const encoder = new BatchEncoder((record, owned) => records.push({ bytes: Buffer.from(record), owned }), recordBytesMax, flushBytes);
  return { encoder, records };
}

describe('BatchEncoder / RequestReader', () => {
  it('round-trips every entry kind in order', () => {
    const { encoder, records } = collect(1 << 20, 1 << 19);
    encoder.open(7, '127.0.0.1:5000', '127.0.0.1:6379');
    const src = Buffer.from('xxSETkeyvalue');
    encoder.commandFromOffsets(7, src, Int32Array.of(2, 5, 8), Int32Array.of(5, 8, 13), 3);
    encoder.commandFromArgv(8, [Buffer.from('PING')]);
    encoder.sync(8);
    encoder.protocolError(9, 'Protocol error: invalid bulk length');
    encoder.busyApplied(8, [Buffer.of(BusyChange.flag)]);
    encoder.busyApplied(8, [Buffer.of(BusyChange.queue), Buffer.from('SET'), Buffer.from('k'), Buffer.from('')]);
    encoder.close(7);
    expect(records).toEqual([]); // nothing leaves before flush
    encoder.flush();
    expect(records.length).toBe(1);
    expect(records[0]!.bytes[0]).toBe(RecordKind.batch);
    expect(decode(records[0]!.bytes)).toEqual([
      { kind: RequestKind.open, clientId: 7, text: ['127.0.0.1:5000', '127.0.0.1:6379'] },
      { kind: RequestKind.command, clientId: 7, argv: ['SET', 'key', 'value'] },
      { kind: RequestKind.command, clientId: 8, argv: ['PING'] },
      { kind: RequestKind.sync, clientId: 8 },
      { kind: RequestKind.protocolError, clientId: 9, text: ['Protocol error: invalid bulk length'] },
      { kind: RequestKind.busyApplied, clientId: 8, change: BusyChange.flag, argv: [] },
      { kind: RequestKind.busyApplied, clientId: 8, change: BusyChange.queue, argv: ['SET', 'k', ''] },
      { kind: RequestKind.close, clientId: 7 },
    ]);
    encoder.flush();
    expect(records.length).toBe(1); // an empty batch is not sent
  });

  it('keeps records under the limit and sends big commands alone, as jumbo, in order', () => {
    const { encoder, records } = collect(256, 128);
    const arg = (n: number): Buffer => Buffer.alloc(n, 0x61);
    const sent: string[][] = [];
    for (let i = 0; i < 40; i++) {
      const argv = [Buffer.from(`C${i}`), arg(i % 7 === 0 ? 300 + i : i * 3)];
      sent.push(argv.map((a) => a.toString('latin1')));
      encoder.commandFromArgv(1, argv);
    }
    encoder.flush();
    const got: string[][] = [];
    for (const r of records) {
      if (r.owned) expect(r.bytes.length).toBeGreaterThan(256);
      else expect(r.bytes.length).toBeLessThanOrEqual(256);
      for (const e of decode(r.bytes)) got.push(e.argv!);
    }
    expect(got).toEqual(sent);
    expect(records.filter((r) => r.owned).length).toBe(6); // i = 0, 7, ..., 35
  });

  it('a jumbo message carries the bytes (transferring a buffer of its own)', () => {
    const big = Buffer.alloc(100_000, 0x62);
    big[0] = RecordKind.batch;
    const { message, transfer } = toJumboMessage(big);
    expect(transfer[0]).toBe(big.buffer);
    expect(fromJumboMessage(message).equals(Buffer.alloc(100_000, 0x62).fill(RecordKind.batch, 0, 1))).toBe(true);
    const small = Buffer.from([RecordKind.batch, 1, 2, 3]); // pooled: copied, not transferred
    const m2 = toJumboMessage(small);
    expect(m2.transfer[0]).not.toBe(small.buffer);
    expect([...fromJumboMessage(m2.message)]).toEqual([RecordKind.batch, 1, 2, 3]);
  });
  it('peekKeys finds the first argument of the commands ahead without moving the reader', () => {
    const { encoder, records } = collect(64 * 1024, 64 * 1024);
    encoder.commandFromArgv(1, ['GET', 'a'].map((s) => Buffer.from(s)));
    encoder.commandFromArgv(2, ['SET', 'bb', 'value'].map((s) => Buffer.from(s)));
    encoder.commandFromArgv(1, ['MSET', 'ccc', 'v1', 'dddd', 'v2'].map((s) => Buffer.from(s)));
    encoder.commandFromArgv(3, ['PING'].map((s) => Buffer.from(s))); // no argument: peeking stops
    encoder.commandFromArgv(3, ['GET', 'e'].map((s) => Buffer.from(s)));
    encoder.flush();
    const r = new RequestReader();
    r.reset(records[0]!.bytes);
    const keysAhead = (max: number): string[] => {
      const n = r.peekKeys(max);
      return Array.from({ length: n }, (_, j) => r.buf.latin1Slice(r.peekStarts[j]!, r.peekStarts[j]! + r.peekLengths[j]!));
    };
    expect(keysAhead(8)).toEqual(['a', 'bb', 'ccc']);
    expect(keysAhead(2)).toEqual(['a', 'bb']);
    expect(r.u8()).toBe(RequestKind.command);
    expect(r.u32()).toBe(1);
    expect(r.argv().map((b) => b.toString())).toEqual(['GET', 'a']);
    expect(keysAhead(8)).toEqual(['bb', 'ccc']);
    for (let i = 0; i < 3; i++) {
      r.u8();
      r.u32();
      r.argv();
    }
    expect(keysAhead(8)).toEqual(['e']);
    r.u8();
    r.u32();
    r.argv();
    expect(keysAhead(8)).toEqual([]);
    expect(r.done).toBe(true);
  });

  it('argv() reads each command back from offsets, a repeated name as the same Buffer', () => {
    const { encoder, records } = collect(64 * 1024, 64 * 1024);
    // Names repeated, alternating, of 0 bytes and longer than the reader keeps; values
    // short (copied byte by byte) and long (copied through a view), 0..255.
    const long = Buffer.alloc(300, 0);
    for (let i = 0; i < long.length; i++) long[i] = i & 0xff;
    const names = ['GET', 'GET', 'get', 'SET', 'SET', 'GET', '', 'X'.repeat(40), 'X'.repeat(40), 'GET'];
    const sent: Buffer[][] = names.map((name, i) => [Buffer.from(name, 'latin1'), Buffer.from(`key:${i}`), long.subarray(0, i * 31)]);
    for (const argv of sent) {
      const src = Buffer.concat(argv);
      const starts = new Int32Array(argv.length);
      const ends = new Int32Array(argv.length);
      let at = 0;
      argv.forEach((a, j) => {
        starts[j] = at;
        at += a.length;
        ends[j] = at;
      });
      encoder.commandFromOffsets(5, src, starts, ends, argv.length);
    }
    encoder.flush();
    expect(records.length).toBe(1);
    const r = new RequestReader();
    r.reset(records[0]!.bytes);
    const got: Buffer[][] = [];
    while (!r.done) {
      expect(r.u8()).toBe(RequestKind.command);
      expect(r.u32()).toBe(5);
      got.push(r.argv());
    }
    expect(got.map((argv) => argv.map((a) => a.toString('hex')))).toEqual(sent.map((argv) => argv.map((a) => a.toString('hex'))));
    expect(got[1]![0]).toBe(got[0]![0]); // GET, GET
    expect(got[2]![0]).not.toBe(got[1]![0]); // get: other bytes
    expect(got[4]![0]).toBe(got[3]![0]); // SET, SET
    expect(got[8]![0]).not.toBe(got[7]![0]); // too long to keep: a view each time
  });
});
