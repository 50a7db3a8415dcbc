// Cuts a TCP byte stream into whole journal wire frames (src/journal/wire), in the
// log-node process and in journal clients (main thread). Socket chunks are kept as
// they arrive (Node gives each read its own buffer); a frame inside one chunk is a
// zero-copy view, a frame spanning chunks is copied once. The length field is checked
// before any byte of the body is buffered beyond the limit: an oversized or undersized
// length is a WireFormatError and the connection is closed.

import { wireHeaderBytes } from './codec.js';
import { WireFormatError } from './wire-buffer.js';

export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Offset of unread bytes in chunks[0]. */
  private head = 0;

  constructor(public frameBytesMax: number) {}

  /** Adds bytes and returns every whole frame now available, in order. */
  push(chunk: Buffer): Buffer[] {
    if (chunk.byteLength > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.byteLength;
    }
    const frames: Buffer[] = [];
    for (;;) {
      if (this.buffered < 4) break;
      const frameBytes = this.peekU32();
      if (frameBytes < wireHeaderBytes) throw new WireFormatError(`frame length ${frameBytes} below the header`);
      if (frameBytes > this.frameBytesMax) {
        throw new WireFormatError(`frame of ${frameBytes} bytes over the limit of ${this.frameBytesMax}`);
      }
      if (this.buffered < frameBytes) break;
      frames.push(this.take(frameBytes));
    }
    return frames;
  }

  /** Bytes received but not yet returned as a frame. */
  get pendingBytes(): number {
    return this.buffered;
  }

  private peekU32(): number {
    const first = this.chunks[0]!;
    if (first.byteLength - this.head >= 4) return first.readUInt32LE(this.head);
    const four = Buffer.allocUnsafe(4);
    this.copyOut(four, 4);
    return four.readUInt32LE(0);
  }

  private copyOut(into: Buffer, bytes: number): void {
    let done = 0;
    let i = 0;
    let at = this.head;
    while (done < bytes) {
      const c = this.chunks[i]!;
      const n = Math.min(bytes - done, c.byteLength - at);
      c.copy(into, done, at, at + n);
      done += n;
      i++;
      at = 0;
    }
  }

  private take(bytes: number): Buffer {
    const first = this.chunks[0]!;
    let frame: Buffer;
    if (first.byteLength - this.head >= bytes) {
      frame = first.subarray(this.head, this.head + bytes);
      this.head += bytes;
      if (this.head === first.byteLength) {
        this.chunks.shift();
        this.head = 0;
      }
    } else {
      frame = Buffer.allocUnsafe(bytes);
      this.copyOut(frame, bytes);
      let left = bytes;
      while (left > 0) {
        const c = this.chunks[0]!;
        const n = Math.min(left, c.byteLength - this.head);
        left -= n;
        this.head += n;
        if (this.head === c.byteLength) {
          this.chunks.shift();
          this.head = 0;
        }
      }
    }
    this.buffered -= bytes;
    return frame;
  }
}
