// Freezes the journal's persisted codes: record types are append-only and the frame
// format version changes only with a deliberate format change (and this test with it).

import { expect, it } from 'vitest';
import { RecordType, journalFormatVersion } from '../../src/journal/record-types.js';
import { encodeFrame, frameOverheadBytes } from '../../src/journal/storage/frame.js';

it('keeps every RecordType code', () => {
  expect(RecordType).toEqual({ noop: 1, effects: 2, leadership: 3, leaseRenewal: 4, checksum: 5 });
});

it('keeps the frame format version and layout', () => {
  expect(journalFormatVersion).toBe(1);
  const buf = Buffer.alloc(frameOverheadBytes + 2);
  encodeFrame(
    { index: 0x0102, term: 7, type: RecordType.effects, engineVersion: 0x0304, writerId: 5, writerSeq: 6, payload: Buffer.from([0xaa, 0xbb]) },
    buf,
    0,
  );
  // golden header: frameBytes 50, version 1, type 2, engineVersion, index, term, writerId, writerSeq, payloadBytes 2
  expect(buf.subarray(0, 42).toString('hex')).toBe(
    '32000000' + '01' + '02' + '0403' + '0201000000000000' + '0700000000000000' + '05000000' + '0600000000000000' + '02000000' + 'aabb',
  );
});
