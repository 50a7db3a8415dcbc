// Wire codecs: every message round-trips; the frame header and kind codes are frozen
// (golden bytes); malformed frames are WireFormatErrors, never crashes; the frame reader
// reassembles frames split at every byte and refuses oversized lengths.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeMessage, encodeAppendEntriesParts, encodeMessage, wireInlinePayloadBytesMax, type WireMessage } from '../../../src/journal/wire/codec.js';
import type { AppendEntries } from '../../../src/journal/messages.js';
import { WireErrorCode, WireKind, wireProtocolVersion } from '../../../src/journal/wire/codes.js';
import { FrameReader } from '../../../src/journal/wire/frame-reader.js';
import { WireFormatError } from '../../../src/journal/wire/wire-buffer.js';

const payload = (n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7) & 0xff));
const entry = (index: number) => ({ index, term: 3, type: 2, engineVersion: 1, writerId: 77, writerSeq: 2 ** 40 + index, payload: payload(index) });

const samples: WireMessage[] = [
  { kind: 'hello', version: 1, nonce: payload(32) },
  { kind: 'auth', version: 1, role: 1, nodeId: 3, nonce: payload(32), mac: payload(32) },
  { kind: 'authOk', mac: payload(32) },
  { kind: 'requestVote', term: 9, candidateId: 2, lastLogIndex: 100, lastLogTerm: 8, preVote: true },
  { kind: 'requestVoteResponse', term: 9, voteGranted: false, preVote: true },
  { kind: 'appendEntries', term: 4, leaderId: 1, prevLogIndex: 10, prevLogTerm: 3, entries: [entry(11), entry(12), entry(0)], leaderCommit: 9, probe: 5, trimBeforeId: 2 },
  { kind: 'appendEntries', term: 4, leaderId: 1, prevLogIndex: 10, prevLogTerm: 3, entries: [], leaderCommit: 9, probe: 6, trimBeforeId: 0 },
  { kind: 'appendEntriesResponse', term: 4, success: true, matchIndex: 12, prevLogIndex: 10, conflictIndex: 0, probe: 5 },
  { kind: 'append', requestId: 1, writerId: 5, writerSeq: 6, records: [{ type: 2, engineVersion: 1, payload: payload(100) }], condition: { afterId: 0 } },
  { kind: 'append', requestId: 2, writerId: 5, writerSeq: 7, records: [{ type: 3, engineVersion: 1, payload: payload(0) }, { type: 2, engineVersion: 2, payload: payload(5) }], condition: { leaderToken: 2 ** 52 } },
  { kind: 'read', requestId: 3, fromId: 1, maxBytes: 65536, waitMs: 1000 },
  { kind: 'tail', requestId: 4 },
  { kind: 'trim', requestId: 5, beforeId: 77 },
  { kind: 'appendOk', requestId: 1, firstId: 5, lastId: 6 },
  { kind: 'readOk', requestId: 3, entries: [entry(1), entry(2)], commitId: 2 },
  { kind: 'tailOk', requestId: 4, tailId: 99, leaderToken: 12 },
  { kind: 'trimOk', requestId: 5, trimBeforeId: 64 },
  { kind: 'error', requestId: 6, error: { code: 'notLeader', leaderHint: 2 } },
  { kind: 'error', requestId: 6, error: { code: 'tailMismatch', tailId: 8 } },
  { kind: 'error', requestId: 6, error: { code: 'fenced', currentToken: 4 } },
  { kind: 'error', requestId: 6, error: { code: 'unavailable', reason: 'log leadership lost' } },
  { kind: 'error', requestId: 6, error: { code: 'trimmed', firstId: 33 } },
  { kind: 'error', requestId: 6, error: { code: 'badRequest', reason: 'écrit' } },
];

function normalize(m: unknown): unknown {
  return JSON.parse(JSON.stringify(m, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : (v as { type?: string })?.type === 'Buffer' ? Buffer.from((v as { data: number[] }).data).toString('hex') : v)));
}

describe('wire codec', () => {
  it.each(samples.map((m, i) => [i, m.kind, m] as const))('round-trips sample %i (%s)', (_i, _kind, m) => {
    const frame = encodeMessage(m);
    expect(frame.readUInt32LE(0)).toBe(frame.byteLength);
    expect(normalize(decodeMessage(frame))).toEqual(normalize(m));
  });

  it('encodes an AppendEntries as parts whose bytes are exactly its frame, big payloads sent from where they lie', () => {
    const big = wireInlinePayloadBytesMax + 1;
    for (const sizes of [[], [0], [10], [big], [wireInlinePayloadBytesMax], [big, 3, big + 100, 0], [5, big], [big, big], [1, 2, 3]]) {
      const entries = sizes.map((bytes, i) => {
        const wire = Buffer.alloc(bytes + 20, i + 1); // a payload is a view into a bigger frame
        return { index: 10 + i, term: 3, type: 2, engineVersion: 1, writerId: 77, writerSeq: 2 ** 40 + i, payload: wire.subarray(7, 7 + bytes) };
      });
      const m: AppendEntries = {
        kind: 'appendEntries', term: 3, leaderId: 2, prevLogIndex: 9, prevLogTerm: 3, entries, leaderCommit: 8, probe: 5, trimBeforeId: 1,
      };
      const parts = encodeAppendEntriesParts(m);
      const joined = Buffer.concat(parts);
      expect(joined.equals(encodeMessage(m)), JSON.stringify(sizes)).toBe(true);
      for (const e of entries) {
        const shared = parts.some((part) => part.buffer === e.payload.buffer && part.byteOffset === e.payload.byteOffset && part.byteLength === e.payload.byteLength);
        expect(shared, `${JSON.stringify(sizes)}: payload of ${e.payload.byteLength} bytes`).toBe(e.payload.byteLength > wireInlinePayloadBytesMax);
      }
      expect(normalize(decodeMessage(joined))).toEqual(normalize(m));
    }
  });

  it('freezes the frame header and the kind codes (golden bytes)', () => {
    expect(encodeMessage({ kind: 'tail', requestId: 0x01020304 }).toString('hex')).toBe('09000000' + '16' + '04030201');
    expect(encodeMessage({ kind: 'appendOk', requestId: 1, firstId: 2, lastId: 2 ** 32 + 3 }).toString('hex')).toBe(
      '19000000' + '1e' + '01000000' + '0200000000000000' + '0300000001000000',
    );
    expect(WireKind).toEqual({
      hello: 1, auth: 2, authOk: 3, requestVote: 10, requestVoteResponse: 11, appendEntries: 12, appendEntriesResponse: 13,
      append: 20, read: 21, tail: 22, trim: 23, appendOk: 30, readOk: 31, tailOk: 32, trimOk: 33, error: 34,
    });
    expect(WireErrorCode).toEqual({ notLeader: 1, tailMismatch: 2, fenced: 3, unavailable: 4, trimmed: 5, badRequest: 6 });
    expect(wireProtocolVersion).toBe(1);
  });

  it('rejects truncated, padded, unknown and inconsistent frames with WireFormatError', () => {
    for (const m of samples) {
      const frame = encodeMessage(m);
      for (let cut = 5; cut < frame.byteLength; cut++) {
        const short = Buffer.from(frame.subarray(0, cut));
        short.writeUInt32LE(cut, 0);
        expect(() => decodeMessage(short), `${m.kind} cut at ${cut}`).toThrow(WireFormatError);
      }
      const padded = Buffer.concat([frame, Buffer.from([0])]);
      padded.writeUInt32LE(padded.byteLength, 0);
      expect(() => decodeMessage(padded)).toThrow(WireFormatError);
    }
    const unknown = Buffer.from('0500000063', 'hex');
    expect(() => decodeMessage(unknown)).toThrow(/unknown message kind/);
    const hugeCount = encodeMessage({ kind: 'readOk', requestId: 1, entries: [], commitId: 0 });
    hugeCount.writeUInt32LE(0xffffffff, hugeCount.byteLength - 4);
    expect(() => decodeMessage(hugeCount)).toThrow(WireFormatError);
  });

  it('carries every entry and record field at its limits, and refuses values past them', () => {
    const top = { index: 2 ** 53 - 1, term: 2 ** 53 - 1, type: 0xff, engineVersion: 0xffff, writerId: 0xffff_ffff, writerSeq: 2 ** 53 - 1, payload: payload(3) };
    const low = { index: 0, term: 0, type: 0, engineVersion: 0, writerId: 0, writerSeq: 0, payload: payload(0) };
    const ae: WireMessage = { kind: 'appendEntries', term: 1, leaderId: 1, prevLogIndex: 0, prevLogTerm: 0, entries: [top, low], leaderCommit: 0, probe: 0, trimBeforeId: 0 };
    expect(normalize(decodeMessage(encodeMessage(ae)))).toEqual(normalize(ae));
    const append: WireMessage = { kind: 'append', requestId: 1, writerId: 1, writerSeq: 1, condition: { afterId: 0 }, records: [{ type: 0xff, engineVersion: 0xffff, payload: payload(2) }] };
    expect(normalize(decodeMessage(encodeMessage(append)))).toEqual(normalize(append));
    const bad: Partial<typeof top>[] = [{ index: -1 }, { term: 2 ** 53 }, { writerSeq: 1.5 }, { type: 256 }, { engineVersion: -1 }, { writerId: 2 ** 32 }];
    for (const field of bad) {
      const m: WireMessage = { ...ae, entries: [{ ...top, ...field }] };
      expect(() => encodeMessage(m), JSON.stringify(field)).toThrow(RangeError);
    }
    expect(() => encodeMessage({ ...append, records: [{ type: 256, engineVersion: 0, payload: payload(1) }] })).toThrow(RangeError);
    // A u64 at or above 2^53 on the wire is malformed (the field after it is a u8).
    const frame = encodeMessage(ae);
    frame.writeUInt32LE(0x20_0000, 5 + 8 + 4 + 8 * 5 + 4 + 12); // entry 0's term, high half
    expect(() => decodeMessage(frame)).toThrow(/above 2\^53/);
  });

  it('never throws anything but WireFormatError on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 200 }), fc.integer({ min: 0, max: 40 }), (body, kind) => {
        const frame = Buffer.alloc(5 + body.byteLength);
        frame.writeUInt32LE(frame.byteLength, 0);
        frame.writeUInt8(kind, 4);
        frame.set(body, 5);
        try {
          decodeMessage(frame);
        } catch (err) {
          expect(err).toBeInstanceOf(WireFormatError);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('FrameReader', () => {
  it('reassembles frames split at every byte boundary', () => {
    const frames = samples.slice(3, 9).map(encodeMessage);
    const stream = Buffer.concat(frames);
    for (let split = 1; split < stream.byteLength; split++) {
      const reader = new FrameReader(1 << 20);
      const got = [...reader.push(stream.subarray(0, split)), ...reader.push(stream.subarray(split))];
      expect(got.map((f) => f.toString('hex'))).toEqual(frames.map((f) => f.toString('hex')));
      expect(reader.pendingBytes).toBe(0);
    }
    const reader = new FrameReader(1 << 20);
    const got: Buffer[] = [];
    for (const byte of stream) got.push(...reader.push(Buffer.from([byte])));
    expect(got.length).toBe(frames.length);
  });

  it('refuses a length over the limit or under the header before buffering the body', () => {
    const reader = new FrameReader(1000);
    const big = Buffer.alloc(8);
    big.writeUInt32LE(1001, 0);
    expect(() => reader.push(big)).toThrow(/over the limit/);
    const small = new FrameReader(1000);
    expect(() => small.push(Buffer.from([4, 0, 0, 0]))).toThrow(/below the header/);
  });
});
