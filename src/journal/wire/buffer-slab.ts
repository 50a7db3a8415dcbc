// Short-lived buffers of a few KiB carved from shared slabs: the frames a journal
// WireWriter encodes (an AppendEntries, a client's append) and the chunks of frames a
// SegmentLog hands to its durable write. Runs in whatever thread uses those (a log
// node's main thread, a journal client's thread); one slab per module instance.
//
// Why: Buffer.allocUnsafe pools only requests under 4 KiB (half of Buffer.poolSize);
// each larger one is a fresh ArrayBuffer with its own backing store (a malloc, V8's
// external-memory accounting, and ArrayBuffer sweeping once it dies). At SET -P 1 an
// append is ~5-6 KiB, and a log node made one or two such buffers per append. A 6000-byte
// buffer made and dropped in a loop cost 500-640 ns of CPU that way and 70-120 ns carved
// from a 256 KiB slab, where most are a view.
//
// Invariants: a carved region is never handed out twice (the slab is bump-allocated and
// replaced when full, never reset), so a buffer stays valid however long its holder
// keeps it; a holder keeps its whole slab alive meanwhile, which is why only short-lived
// buffers come from here (never bytes a cache keeps, such as the frames read from a
// socket: their entries' payloads are views into them). Regions start 8-byte aligned.

const slabBytes = 256 * 1024;
/** Below this Buffer.allocUnsafe's own pool serves; above slabCarveBytesMax, a buffer of its own. */
const poolServedBytes = Buffer.poolSize >>> 1;
const slabCarveBytesMax = slabBytes / 4;

let slab: ArrayBuffer | undefined;
let slabUsed = slabBytes;

/** An uninitialized buffer of `bytes` (like Buffer.allocUnsafe), short-lived (see the file comment). */
export function allocShortLived(bytes: number): Buffer {
  if (bytes < poolServedBytes || bytes > slabCarveBytesMax) return Buffer.allocUnsafe(bytes);
  if (slab === undefined || slabUsed + bytes > slabBytes) {
    slab = Buffer.allocUnsafeSlow(slabBytes).buffer;
    slabUsed = 0;
  }
  const at = slabUsed;
  slabUsed = (at + bytes + 7) & ~7;
  return Buffer.from(slab, at, bytes);
}
