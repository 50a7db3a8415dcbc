// The group of effect records the journal writer gathers for its next append (journal
// writer worker). Records are copied in once, straight from the effects ring, into a
// buffer laid out as an effects batch (effects-batch.ts): header space, then per record
// a u32 length and its bytes. take() hands the whole buffer over as the append's payload
// (written plain when it holds one record) and starts on another buffer, since the
// journal client keeps the payload for retries until the append is acknowledged; then
// recycle() gives the buffer back for a later group (a new 16 KiB ArrayBuffer per append
// was a malloc, a free and external-memory GC pressure ~500 times a second at SET -P 1).
//
// A group holds at most `countMax` records and `bytesMax` bytes of records (with their
// length prefixes), except that a lone record of any size is always taken (one larger
// than the journal accepts is refused before it gets here: effectsOversize).
//
// A group may keep `headroom` bytes free in front of the payload: the journal client
// writes its append frame's fixed fields there (src/journal/client/append-frame.ts) and
// sends the group from this buffer as it is, no copy into a frame of its own.
//
// The copy out of the effects ring: V8 copies to or from a SharedArrayBuffer with a
// relaxed-atomic memcpy that moves 8-byte words only when source and destination are
// aligned alike, else byte by byte (V8's Relaxed_Memcpy). A ring payload starts
// 8-aligned, but a record's place in the group follows the batch layout (u32 length,
// then the bytes, packed), so most records land misaligned: a 4 KiB record took 1.3-2.8
// µs that way against 0.26-0.46 aligned (micro, load 4-6), 36-41% of the writer's
// samples under SET -d 4096. A large record whose two ends disagree is therefore copied
// through an 8-aligned plain staging buffer: ring -> stage by words, then stage ->
// group by libc's memcpy (plain memory, any alignment): 0.34-0.66 µs for 4 KiB. Small
// records copy direct (the second copy would cost as much as it saves).
//
// Invariants: seqs grow along a group and across groups (the ring's order); `bytes`
// counts the header space (not the headroom), so an empty group has bytes ===
// effectsBatchHeaderBytes; the payload starts at or after `headroom`.

import { assert } from '../assert.js';
import { effectsBatchHeaderBytes, writeEffectsBatchHeader } from './effects-batch.js';

/** Smallest buffer a new group starts with (it doubles as records arrive). */
const groupBytesMin = 16 * 1024;
/** Acknowledged groups' buffers kept for reuse: one per append in flight is plenty. */
const spareBufferCountMax = 8;
/**
 * Records from shared memory at least this long, landing misaligned, go through the
 * staging buffer (see the file comment: at 512 bytes both ways cost the same, ~0.2 µs).
 */
const stagedCopyBytesMin = 1024;
/** The staging buffer's size: a longer record is staged in pieces of this many bytes (a multiple of 8). */
const stageBytes = 64 * 1024;

export interface TakenGroup {
  /** The journal record's payload: one EffectRecord, or an effects batch (a view of buffer). */
  readonly payload: Buffer;
  /** Where payload lies in buffer (at least `headroom` bytes after its start). */
  readonly payloadStart: number;
  readonly payloadEnd: number;
  readonly count: number;
  readonly lastSeq: number;
  /** The buffer under payload: recycle() it once the append is acknowledged. */
  readonly buffer: Buffer;
}

export class EffectsGroup {
  private buf: Buffer = Buffer.allocUnsafe(groupBytesMin);
  /** Buffers of acknowledged groups (recycle()), reused before allocating. */
  private readonly spare: Buffer[] = [];
  /** 8-aligned plain memory for misaligned copies out of shared memory (made on first use). */
  private stage: Buffer | undefined;
  /** Bytes written, header space included. */
  bytes = effectsBatchHeaderBytes;
  count = 0;
  /** Seq of the last record added (kept across take(): the next must be larger). */
  lastSeq = 0;

  constructor(
    private readonly bytesMax: number,
    private readonly countMax: number,
    /** Bytes kept free in front of the payload (see the file comment). */
    private readonly headroom = 0,
  ) {
    assert(bytesMax > 0 && countMax >= 1 && headroom >= 0, 'EffectsGroup: limits must be positive');
  }

  /** True when no further record may be added. */
  get full(): boolean {
    return this.count >= this.countMax;
  }

  /**
   * Adds src[start, end) as the record with `seq`, unless it would pass the limits of a
   * group that already holds records: then returns false and adds nothing.
   */
  tryAdd(seq: number, src: Uint8Array, start: number, end: number): boolean {
    const length = end - start;
    if (this.count > 0 && (this.count >= this.countMax || this.bytes - effectsBatchHeaderBytes + 4 + length > this.bytesMax)) return false;
    assert(seq > this.lastSeq, 'EffectsGroup: seqs grow along the ring');
    const at = this.headroom + this.bytes;
    const need = at + 4 + length;
    if (need > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < need) size *= 2;
      const grown = Buffer.allocUnsafe(size);
      this.buf.copy(grown, 0, 0, at);
      this.buf = grown;
    }
    this.buf.writeUInt32LE(length, at);
    const to = at + 4;
    if (length >= stagedCopyBytesMin && ((src.byteOffset + start - (this.buf.byteOffset + to)) & 7) !== 0 && src.buffer instanceof SharedArrayBuffer) {
      this.copyStaged(src, start, end, to);
    } else {
      this.buf.set(src.subarray(start, end), to);
    }
    this.bytes += 4 + length;
    this.count++;
    this.lastSeq = seq;
    return true;
  }

  /**
   * Copies shared src[start, end) to this.buf at `to` through the 8-aligned stage (see
   * the file comment), piece by piece: each piece's source start stays at the same
   * offset mod 8 as the stage's (pieces are multiples of 8 long).
   */
  private copyStaged(src: Uint8Array, start: number, end: number, to: number): void {
    let stage = this.stage;
    if (stage === undefined) {
      stage = this.stage = Buffer.allocUnsafeSlow(stageBytes + 8); // its own ArrayBuffer: byteOffset 0
      assert(stage.byteOffset === 0, 'EffectsGroup: the stage starts 8-aligned');
    }
    // The stage's first byte shares the source's alignment, so ring -> stage moves words.
    const skew = (src.byteOffset + start) & 7;
    for (let from = start; from < end; ) {
      const n = Math.min(stageBytes, end - from);
      stage.set(src.subarray(from, from + n), skew);
      this.buf.set(stage.subarray(skew, skew + n), to + (from - start));
      from += n;
    }
  }

  /** The group as one journal record's payload; the group starts over, empty. */
  take(): TakenGroup {
    assert(this.count > 0, 'EffectsGroup.take: the group is empty');
    const count = this.count;
    const payloadEnd = this.headroom + this.bytes;
    const buffer = this.buf;
    let payloadStart = this.headroom;
    if (count === 1) {
      payloadStart += effectsBatchHeaderBytes + 4; // a lone record is written plain
    } else {
      writeEffectsBatchHeader(buffer, count, payloadStart);
    }
    this.reset(payloadEnd);
    return { payload: buffer.subarray(payloadStart, payloadEnd), payloadStart, payloadEnd, count, lastSeq: this.lastSeq, buffer };
  }

  /**
   * The append of a taken group was acknowledged: nobody reads its buffer any more, so a
   * later group may be written into it. (A buffer of a failed append is never recycled:
   * the client may still hold it.)
   */
  recycle(buffer: Buffer): void {
    assert(buffer !== this.buf, 'EffectsGroup.recycle: the buffer is in use');
    if (this.spare.length < spareBufferCountMax) this.spare.push(buffer);
  }

  /** Drops the group's records (a failed epoch). `lastSeq` stays: seqs keep growing. */
  clear(): void {
    this.reset(groupBytesMin);
  }

  /** A buffer about as large as the last group (the old one went to the client): a spare, or a new one. */
  private reset(sizeHint: number): void {
    let size = groupBytesMin;
    while (size < sizeHint) size *= 2;
    let buf: Buffer | undefined;
    while ((buf = this.spare.pop()) !== undefined && buf.length < size);
    this.buf = buf ?? Buffer.allocUnsafe(size);
    this.bytes = effectsBatchHeaderBytes;
    this.count = 0;
  }
}
