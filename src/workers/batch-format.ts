// Wire layout of the records that cross the two rings between the io-mux (main thread)
// and the command-engine worker, plus the encoder the io-mux uses to build request
// batches. Both threads import this file; the encoder runs on the main thread only.
//
// Every ring record starts with one byte, its record kind:
//
//   offset size  field
//   0      1     recordKind   RecordKind.batch | RecordKind.jumbo | RecordKind.shutdown
//   1      ...   entries      (batch only) back to back until the end of the record
//
// RecordKind.jumbo is a 1-byte placeholder: the real record (a whole batch, starting
// with RecordKind.batch) is a JumboMessage posted on the MessagePort shared by the two
// threads BEFORE the placeholder is pushed. The receiver takes it with
// receiveMessageOnPort when it pops the placeholder, so jumbo records keep their place
// in the order. Records larger than the ring's record limit (ringRecordBytesMax) go
// this way, e.g. a 512 MB SET or its GET reply.
//
// Request entries (main -> worker), 5-byte header then a kind-specific body:
//
//   offset size  field
//   0      1     kind         RequestKind
//   1      4     clientId     u32 LE
//   command:  5 argc u32 LE, then argc times [len u32 LE][len bytes]
//   open:     5 addrBytes u32 LE, addr latin1 ('ip:port'); then laddrBytes u32 LE, laddr
//   close:    (no body) the client's socket closed
//   protocolError: 5 textBytes u32 LE, text latin1 ('Protocol error: ...'); the worker
//             answers '-ERR <text>' and a close entry, after the replies before it
//   sync:     (no body) the worker answers a ReplyKindSynced entry for the client: the
//             io-mux uses it to learn that every command sent before it was executed
//   busyApplied: 5 change u8 (control-area.ts's BusyChange), 6 argc u32 LE, then argc
//             times [len u32 LE][len bytes]: the queued command for BusyChange.queue,
//             argc 0 otherwise. The busy gate answered a command while a script was
//             busy; the engine applies what it changed in the client, without a reply
//
// Reply entries (worker -> main) are the engine's ReplyWriter frames
// ([kind u8][clientId u32 LE][bodyBytes u32 LE][body], kinds in EntryKind of
// src/engine/reply.ts) plus one kind the worker loop itself writes: replyKindSynced.
//
// Invariants: an encoded record never exceeds the limit given to the encoder (bigger
// commands become jumbo records alone); entries are never split across records; the
// order of entries is the order of encode calls.

import { assert } from '../assert.js';
import { storeU32 } from '../le-bytes.js';

export const RecordKind = {
  batch: 1,
  jumbo: 2,
  /** The io-mux is closing: the worker leaves its loop. */
  shutdown: 3,
} as const;

export const RequestKind = {
  command: 1,
  open: 2,
  close: 3,
  protocolError: 4,
  sync: 5,
  busyApplied: 6,
} as const;

/**
 * Reply entry kind written by the worker loop, not the engine. The engine's EntryKind
 * values are small; 0x80 and up are reserved for the worker (asserted in the worker).
 */
export const replyKindSynced = 0x80;

export const recordHeaderBytes = 1;
export const entryHeaderBytes = 5;
export const replyEntryHeaderBytes = 9;

/** What travels on the MessagePort for a jumbo record: the whole record's bytes. */
export interface JumboMessage {
  readonly buffer: ArrayBuffer;
  readonly byteLength: number;
}

/** Makes a transferable JumboMessage from `bytes`, copying only when it must. */
export function toJumboMessage(bytes: Buffer): { message: JumboMessage; transfer: ArrayBuffer[] } {
  const ab = bytes.buffer;
  if (ab instanceof ArrayBuffer && bytes.byteOffset === 0 && ab.byteLength >= bytes.length && bytes.length > 4096) {
    // A buffer of its own (not Node's shared pool slab): hand it over without a copy.
    return { message: { buffer: ab, byteLength: bytes.length }, transfer: [ab] };
  }
  const copy = new ArrayBuffer(bytes.length);
  new Uint8Array(copy).set(bytes);
  return { message: { buffer: copy, byteLength: bytes.length }, transfer: [copy] };
}

export function fromJumboMessage(m: JumboMessage): Buffer {
  return Buffer.from(m.buffer, 0, m.byteLength);
}

/** Node's Buffer class proper (Buffer[Symbol.species]): `new` of it makes a Buffer view. */
const FastBuffer = (Buffer as unknown as { [Symbol.species]: new (memory: ArrayBufferLike, byteOffset: number, length: number) => Buffer })[Symbol.species];

/** Arguments up to this long are copied byte by byte, longer ones through a view (see commandFromOffsets). */
const copyLoopBytesMax = 24;

/** Encoded size of a command entry with these argument lengths. */
export function commandEntryBytes(argc: number, argBytesTotal: number): number {
  return entryHeaderBytes + 4 + argc * 4 + argBytesTotal;
}

/**
 * Receives finished records from a BatchEncoder: `record` is a view into the encoder's
 * buffer, valid only during the call, unless `owned` (a jumbo record of its own).
 */
export interface RecordSink {
  (record: Buffer, owned: boolean): void;
}

/**
 * Builds request batches (main thread). One growing buffer, reused: a batch is handed
 * to `sink` when it would pass `recordBytesMax`, when it passes `flushBytes`, or when
 * the io-mux calls flush() once per event-loop turn.
 */
export class BatchEncoder {
  private buf: Buffer;
  private length = recordHeaderBytes;

  constructor(
    private readonly sink: RecordSink,
    /** The largest record the ring takes; bigger commands become jumbo records. */
    private readonly recordBytesMax: number,
    /** Hand a batch over early once it is this big (keeps hops bounded). */
    private readonly flushBytes: number,
  ) {
    assert(flushBytes <= recordBytesMax, 'flushBytes must not exceed recordBytesMax');
    assert(recordBytesMax >= 64, 'recordBytesMax too small');
    this.buf = Buffer.allocUnsafe(Math.min(recordBytesMax, 256 * 1024));
    this.buf[0] = RecordKind.batch;
  }

  /** Bytes of entries waiting in the current batch. */
  get pendingBytes(): number {
    return this.length - recordHeaderBytes;
  }

  /** Hands the current batch to the sink, if it holds any entry. */
  flush(): void {
    if (this.length === recordHeaderBytes) return;
    const record = this.buf.subarray(0, this.length);
    this.length = recordHeaderBytes;
    this.sink(record, false);
  }

  /** Makes room for an entry of `bytes`, flushing first if the record would grow too big. */
  private reserve(bytes: number): void {
    assert(recordHeaderBytes + bytes <= this.recordBytesMax, 'entry larger than a record');
    if (this.length + bytes > this.recordBytesMax) this.flush();
    const need = this.length + bytes;
    if (need > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < need) size *= 2;
      const next = Buffer.allocUnsafe(Math.min(size, Math.max(need, this.recordBytesMax)));
      this.buf.copy(next, 0, 0, this.length);
      this.buf = next;
    }
  }

  private afterEntry(): void {
    if (this.length - recordHeaderBytes >= this.flushBytes) this.flush();
  }

  private header(kind: number, clientId: number): void {
    const b = this.buf;
    let o = this.length;
    b[o] = kind;
    b.writeUInt32LE(clientId >>> 0, o + 1);
    this.length = o + entryHeaderBytes;
  }

  /**
   * A command whose arguments are `src[starts[i] .. ends[i])` (the RESP fast path's
   * offsets into the socket chunk): copied once, straight into the batch.
   */
  commandFromOffsets(clientId: number, src: Buffer, starts: Int32Array, ends: Int32Array, argc: number): void {
    let total = 0;
    for (let i = 0; i < argc; i++) total += ends[i]! - starts[i]!;
    const bytes = commandEntryBytes(argc, total);
    let o = this.target(bytes);
    const b = this.targetBuf;
    b[o] = RequestKind.command;
    storeU32(b, o + 1, clientId); // by hand: writeUInt32LE validates on every call
    storeU32(b, o + 5, argc);
    o += 9;
    for (let i = 0; i < argc; i++) {
      const s = starts[i]!;
      const e = ends[i]!;
      const n = e - s;
      storeU32(b, o, n);
      o += 4;
      // Short arguments byte by byte (~1.3 ns a byte here); longer ones through a view
      // and a native set (~32 ns whatever the length; Buffer#copy validates first, ~55 ns).
      if (n <= copyLoopBytesMax) {
        for (let j = 0; j < n; j++) b[o + j] = src[s + j]!;
      } else {
        b.set(new FastBuffer(src.buffer, src.byteOffset + s, n), o);
      }
      o += n;
    }
    this.finish(o);
  }

  /** A command from separate argument buffers (inline commands). */
  commandFromArgv(clientId: number, argv: readonly Buffer[]): void {
    let total = 0;
    for (const a of argv) total += a.length;
    const bytes = commandEntryBytes(argv.length, total);
    let o = this.target(bytes);
    const b = this.targetBuf;
    b[o] = RequestKind.command;
    b.writeUInt32LE(clientId >>> 0, o + 1);
    b.writeUInt32LE(argv.length, o + 5);
    o += 9;
    for (const a of argv) {
      b.writeUInt32LE(a.length, o);
      o += 4;
      b.set(a, o);
      o += a.length;
    }
    this.finish(o);
  }

  /**
   * What the busy gate answered for this client (see RequestKind.busyApplied): argv[0]
   * is one byte, the BusyChange; the rest is the queued command (BusyChange.queue).
   */
  busyApplied(clientId: number, argv: readonly Buffer[]): void {
    assert(argv.length >= 1 && argv[0]!.length === 1, 'busyApplied: a one-byte change first');
    let total = 0;
    for (let i = 1; i < argv.length; i++) total += argv[i]!.length;
    const bytes = entryHeaderBytes + 1 + 4 + (argv.length - 1) * 4 + total;
    this.reserve(bytes);
    this.header(RequestKind.busyApplied, clientId);
    const b = this.buf;
    let o = this.length;
    b[o] = argv[0]![0]!;
    b.writeUInt32LE(argv.length - 1, o + 1);
    o += 5;
    for (let i = 1; i < argv.length; i++) {
      const a = argv[i]!;
      b.writeUInt32LE(a.length, o);
      b.set(a, o + 4);
      o += 4 + a.length;
    }
    this.length = o;
    this.afterEntry();
  }

  open(clientId: number, addr: string, laddr: string): void {
    const bytes = entryHeaderBytes + 8 + addr.length + laddr.length;
    this.reserve(bytes);
    this.header(RequestKind.open, clientId);
    this.latin1WithLength(addr);
    this.latin1WithLength(laddr);
    this.afterEntry();
  }

  close(clientId: number): void {
    this.reserve(entryHeaderBytes);
    this.header(RequestKind.close, clientId);
    this.afterEntry();
  }

  sync(clientId: number): void {
    this.reserve(entryHeaderBytes);
    this.header(RequestKind.sync, clientId);
    this.afterEntry();
  }

  protocolError(clientId: number, text: string): void {
    this.reserve(entryHeaderBytes + 4 + text.length);
    this.header(RequestKind.protocolError, clientId);
    this.latin1WithLength(text);
    this.afterEntry();
  }

  private latin1WithLength(s: string): void {
    this.buf.writeUInt32LE(s.length, this.length);
    this.length += 4;
    this.length += this.buf.latin1Write(s, this.length);
  }

  // A command goes into the batch if it fits a record; otherwise into a buffer of its
  // own that becomes a jumbo record (the batch before it is flushed first, for order).
  // targetBuf is where the command being encoded goes (fields, not a returned object,
  // so encoding allocates nothing per command).
  private targetBuf: Buffer = Buffer.alloc(0);
  private targetIsJumbo = false;

  /** Returns the offset in targetBuf where the command's entry starts. */
  private target(bytes: number): number {
    if (recordHeaderBytes + bytes <= this.recordBytesMax) {
      this.reserve(bytes);
      this.targetBuf = this.buf;
      this.targetIsJumbo = false;
      return this.length;
    }
    this.flush();
    const own = Buffer.allocUnsafe(recordHeaderBytes + bytes);
    own[0] = RecordKind.batch;
    this.targetBuf = own;
    this.targetIsJumbo = true;
    return recordHeaderBytes;
  }

  private finish(end: number): void {
    if (this.targetIsJumbo) {
      const own = this.targetBuf;
      assert(end === own.length, 'jumbo command size mismatch');
      this.targetBuf = this.buf;
      this.targetIsJumbo = false;
      this.sink(own, true);
      return;
    }
    this.length = end;
    this.afterEntry();
  }
}

/** The longest command name RequestReader keeps a copy of (Redis's longest is 20 bytes). */
const commandNameBytesMax = 32;

/** The most entries RequestReader.peekKeys looks ahead at (the engine's prefetch pipeline takes 24). */
export const peekKeysMax = 24;

/** Reads request entries of a batch record (worker side). */
export class RequestReader {
  buf: Buffer = Buffer.alloc(0);
  offset = 0;
  end = 0;

  /** The record's memory and where the record starts in it (for bytes()). */
  private memory: ArrayBufferLike = this.buf.buffer;
  private memoryOffset = 0;

  reset(record: Buffer): void {
    assert(record[0] === RecordKind.batch, 'not a batch record');
    this.buf = record;
    this.memory = record.buffer;
    this.memoryOffset = record.byteOffset;
    this.offset = recordHeaderBytes;
    this.end = record.length;
  }

  get done(): boolean {
    return this.offset >= this.end;
  }

  u32(): number {
    assert(this.offset + 4 <= this.end, 'request entry truncated');
    const b = this.buf;
    const o = this.offset;
    this.offset = o + 4;
    // By hand: readUInt32LE re-checks its argument and bounds on every call.
    return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
  }

  u8(): number {
    assert(this.offset < this.end, 'request entry truncated');
    return this.buf[this.offset++]!;
  }

  /** A view of the next `n` bytes (valid while the record is). */
  bytes(n: number): Buffer {
    assert(this.offset + n <= this.end, 'request entry truncated');
    // Built directly (Buffer's species constructor): subarray's species lookup and
    // argument normalisation cost about as much as the view itself, 2-3 per command.
    const v = new FastBuffer(this.memory, this.memoryOffset + this.offset, n);
    this.offset += n;
    return v;
  }

  /**
   * An argv: its count, then each argument's length and bytes, as views (valid while the
   * record is), except argv[0], the command name, which is the previous argv's name
   * Buffer again when the bytes are the same (see name()). A fresh array each time: the
   * engine may keep it (its Buffers it copies).
   */
  argv(): Buffer[] {
    const argc = this.u32();
    const argv = new Array<Buffer>(argc);
    if (argc > 0) argv[0] = this.name(this.u32());
    for (let i = 1; i < argc; i++) argv[i] = this.bytes(this.u32());
    return argv;
  }

  /** The last command name name() returned from a copy of its own (empty: none yet). */
  private lastName: Buffer = Buffer.alloc(0);

  /**
   * The next `n` bytes, a command name: a pipeline mostly repeats one command, so the
   * last name's own Buffer is returned when the bytes match (comparing a few bytes costs
   * less than a view, and leaves no garbage); another short name gets a copy of its own
   * that becomes the last name. The engine reads argv Buffers during the call only and
   * copies what it keeps, so a Buffer shared by several commands is as good as a view.
   */
  private name(n: number): Buffer {
    assert(this.offset + n <= this.end, 'request entry truncated');
    const b = this.buf;
    const o = this.offset;
    const last = this.lastName;
    if (n === last.length) {
      let i = 0;
      while (i < n && b[o + i] === last[i]) i++;
      if (i === n) {
        this.offset = o + n;
        return last;
      }
    }
    if (n === 0 || n > commandNameBytesMax) return this.bytes(n);
    const own = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) own[i] = b[o + i]!;
    this.offset = o + n;
    this.lastName = own;
    return own;
  }

  /**
   * Where the next entries' first arguments lie (the key of most commands): peekKeys(max)
   * fills peekStarts/peekLengths (offsets into buf) for up to `max` command entries that
   * follow, stopping at the first entry that is not a command with an argument. The
   * engine worker touches their lookups together (Engine.prefetchKeys). Reads only; the
   * reader's offset does not move.
   */
  readonly peekStarts = new Int32Array(peekKeysMax);
  readonly peekLengths = new Int32Array(peekKeysMax);

  peekKeys(max: number): number {
    const b = this.buf;
    const end = this.end;
    let o = this.offset;
    let n = 0;
    while (n < max) {
      // kind u8, clientId u32, argc u32, then per argument its length u32 and bytes.
      if (o + 13 > end || b[o] !== RequestKind.command) break;
      const argc = (b[o + 5]! | (b[o + 6]! << 8) | (b[o + 7]! << 16) | (b[o + 8]! << 24)) >>> 0;
      if (argc < 2) break;
      let k = o + 13 + ((b[o + 9]! | (b[o + 10]! << 8) | (b[o + 11]! << 16) | (b[o + 12]! << 24)) >>> 0);
      if (k + 4 > end) break;
      const keyBytes = (b[k]! | (b[k + 1]! << 8) | (b[k + 2]! << 16) | (b[k + 3]! << 24)) >>> 0;
      if (k + 4 + keyBytes > end) break;
      this.peekStarts[n] = k + 4;
      this.peekLengths[n] = keyBytes;
      n++;
      k += 4 + keyBytes;
      for (let a = 2; a < argc && k + 4 <= end; a++) k += 4 + ((b[k]! | (b[k + 1]! << 8) | (b[k + 2]! << 16) | (b[k + 3]! << 24)) >>> 0);
      o = k;
    }
    return n;
  }

  latin1(): string {
    const n = this.u32();
    assert(this.offset + n <= this.end, 'request entry truncated');
    const s = this.buf.latin1Slice(this.offset, this.offset + n);
    this.offset += n;
    return s;
  }
}
