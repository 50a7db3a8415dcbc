// An append request's wire frame written in place, in front of its payload (journal
// client; runs in the thread that owns the JournalClient: the server's journal-writer
// worker). The journal writer builds each group of effect records in a buffer that
// keeps appendFramePrefixBytes free in front of the payload; the client writes the
// frame's fixed fields there and hands buffer[prefix .. payload end] to the socket, so
// the group is never copied again on its way out (encodeMessage copied every payload
// into a frame of its own: at SET -d 4096 -P 16 ~0.9 MB per append, in a new buffer
// whose pages faulted in each time, ~27 % of the writer thread's CPU under perf).
//
// The bytes are exactly those encodeMessage (src/journal/wire/codec.ts) writes for an
// append of ONE record under a leader token; test/journal/client/append-frame.test.ts
// compares the two, so a change of the wire format there fails here:
//   offset size field
//        0    4 frameBytes    the whole frame
//        4    1 kind          WireKind.append
//        5    4 requestId
//        9    4 writerId
//       13    8 writerSeq     u64
//       21    1 condition     1 = leaderToken
//       22    8 leaderToken   u64
//       30    4 record count  1
//       34    1 type          the record's RecordType
//       35    2 engineVersion
//       37    4 payloadBytes
//       41    .. payload
//
// Invariants: only a request's FIRST attempt uses the frame in place; a retry encodes a
// fresh frame with encodeMessage. The caller may write into the buffer again once the
// append succeeded: by then no socket holds unsent bytes of that first frame, because
// its attempt either got an answer (the node read the whole frame) or lost its
// connection (libuv drops what was not sent), and the first attempt's deadline is the
// append's own, so no retry follows an attempt that merely timed out.

import { assert } from '../../assert.js';
import { isU64, storeU16, storeU32, storeU64 } from '../../le-bytes.js';
import { journalWireFrameBytesMax } from '../../limits.js';
import { AppendConditionTag, WireKind } from '../wire/codes.js';

/** Bytes in front of the payload that the frame's fixed fields take. */
export const appendFramePrefixBytes = 41;

export interface InPlaceAppend {
  /** Holds the payload at [payloadStart, payloadEnd), with appendFramePrefixBytes free before it. */
  readonly buffer: Buffer;
  readonly payloadStart: number;
  readonly payloadEnd: number;
  /** The record's RecordType code and engine version. */
  readonly type: number;
  readonly engineVersion: number;
}

/**
 * Writes the frame's fixed fields in front of the payload and returns the whole frame
 * (a view of `append.buffer`).
 */
export function writeAppendFrame(append: InPlaceAppend, requestId: number, writerId: number, writerSeq: number, leaderToken: number): Buffer {
  const { buffer, payloadStart, payloadEnd } = append;
  const at = payloadStart - appendFramePrefixBytes;
  const frameBytes = payloadEnd - at;
  assert(at >= 0 && payloadEnd <= buffer.length && payloadStart <= payloadEnd, 'append frame: the payload has no room for its prefix');
  assert(frameBytes <= journalWireFrameBytesMax, 'append frame: larger than a wire frame');
  assert(isU64(writerSeq) && isU64(leaderToken), 'append frame: u64 field out of range');
  assert(append.type >= 0 && append.type <= 0xff && append.engineVersion >= 0 && append.engineVersion <= 0xffff, 'append frame: record field out of range');
  storeU32(buffer, at, frameBytes);
  buffer[at + 4] = WireKind.append;
  storeU32(buffer, at + 5, requestId);
  storeU32(buffer, at + 9, writerId);
  storeU64(buffer, at + 13, writerSeq);
  buffer[at + 21] = AppendConditionTag.leaderToken;
  storeU64(buffer, at + 22, leaderToken);
  storeU32(buffer, at + 30, 1);
  buffer[at + 34] = append.type;
  storeU16(buffer, at + 35, append.engineVersion);
  storeU32(buffer, at + 37, payloadEnd - payloadStart);
  return buffer.subarray(at, payloadEnd);
}
