// The control area: a small SharedArrayBuffer the io-mux (main thread) and the engine
// worker share for what must cross between them outside the rings, because the engine
// cannot answer while it runs a script, or because the io-mux enforces what the
// engine's CONFIG SET changes. Imported by both threads; holds no code that runs at load.
//
// Layout (Int32 indexes; BigInt64 index = Int32 index / 2):
//   0  scriptState   (generation << 8) | ScriptFlag bits. 0 when no script is busy.
//                    Written by the engine (busy onset, end, first write: CAS) and by the
//                    io-mux (the KILLED bit, CAS): the CAS pairs make "kill" and "first
//                    write" mutually exclusive, as they are in single-threaded Redis.
//   1  busyRecord    the request-ring record (1-based count of records the engine popped)
//                    holding the busy script; records before it are fully answered
//   2  busyCallerId  the client running the script (for logs and tests)
//   3  configGen     bumped by the engine after it stored new values below
//   4  maxClients    maxclients (clamped to int32)
//   6  protoMaxBulkLen        BigInt64 index 3
//   8  queryBufferBytesMax    BigInt64 index 4 (client-query-buffer-limit)
//   10 busyStartMs   Float64 index 5: when the busy script started, ms since the epoch
//                    (performance.timeOrigin + performance.now(): comparable across threads)
//   12 librariesCount, 13 functionsCount   FUNCTION STATS's engine counts at busy onset
//                    (FUNCTION LOAD/DELETE cannot run while a script does)
//   14 runningBytes  bytes of the running-script record below; -1: none (an EVAL) or too
//                    large (FUNCTION STATS then waits for the engine)
//   16 .. +W         the owed bitmap (W = busyOwedBitmapBits/32 words): bit (clientId &
//                    mask) set when, at busy onset, that client still owed replies
//                    (blocked, paused, held by the journal, RESP2 subscribed, CLIENT REPLY
//                    OFF/SKIP): the io-mux must not answer such a client itself.
//   16+W .. +W       the RESP3 bitmap: the client spoke RESP3 at busy onset
//   16+2W .. +W      the stats-wait bitmap: FUNCTION STATS must go to the engine (RESP2
//                    and RESP3 clients share the bit, so the protocol is unknown)
//   16+3W .. +W      the MULTI bitmap: set only if every client on the bit is in MULTI
//                    (Redis then queues allow_busy commands and refuses no_multi ones);
//                    exact when set, so a client outside MULTI is never sent to wait
//   16+4W .. +W      the outside-MULTI bitmap: set only if every client on the bit is
//                    outside MULTI (the gate may then open a MULTI for it)
//   then busyRunningScriptBytesMax bytes: the running-script record, FUNCTION STATS's
//                    `name <bulk> command <array>` fields pre-encoded in RESP (the same
//                    bytes in RESP2 and RESP3).
//
// Publication order: the engine writes busyRecord, busyCallerId, the bitmaps and the
// running-script fields, then stores scriptState (Atomics are sequentially consistent;
// plain writes before it are visible to whoever loads it), so an io-mux that sees BUSY
// sees the rest. The io-mux re-reads scriptState after copying the record (a seqlock):
// a script that ended meanwhile makes the copy void. Config values are stored before configGen is bumped, and both before
// CONFIG SET's +OK enters the reply ring.

import { assert } from '../assert.js';
import { busyOwedBitmapBits, busyRunningScriptBytesMax } from '../limits.js';

export const ScriptFlag = {
  /** The script has run past busy-reply-threshold: others get -BUSY. */
  busy: 1,
  /** The script called a write command: SCRIPT KILL answers -UNKILLABLE. */
  dirty: 2,
  /** SCRIPT/FUNCTION KILL asked it to stop; the count hook raises the kill error. */
  killed: 4,
  /** The script is an FCALL (else an EVAL): chooses the BUSY text and the kill command. */
  function: 8,
} as const;

export const ControlIndex = {
  scriptState: 0,
  busyRecord: 1,
  busyCallerId: 2,
  configGen: 3,
  maxClients: 4,
  librariesCount: 12,
  functionsCount: 13,
  runningBytes: 14,
  owedBitmap: 16,
  resp3Bitmap: 16 + busyOwedBitmapBits / 32,
  statsWaitBitmap: 16 + (2 * busyOwedBitmapBits) / 32,
  multiBitmap: 16 + (3 * busyOwedBitmapBits) / 32,
  outsideMultiBitmap: 16 + (4 * busyOwedBitmapBits) / 32,
} as const;

/** Float64 indexes (Float64 index = Int32 index / 2). */
export const ControlFloat = {
  busyStartMs: 5,
} as const;

export const ControlBig = {
  protoMaxBulkLen: 3,
  queryBufferBytesMax: 4,
} as const;

const owedWords = busyOwedBitmapBits / 32;
const runningOffsetBytes = (ControlIndex.outsideMultiBitmap + owedWords) * 4;
export const controlAreaBytes = runningOffsetBytes + busyRunningScriptBytesMax;
const owedMask = busyOwedBitmapBits - 1;
const generationMask = 0xffffff;

/** FUNCTION STATS's view of the busy function (control area, publishRunning). */
export interface RunningScript {
  /** When the run started, ms since the epoch. */
  readonly startMs: number;
  readonly librariesCount: number;
  readonly functionsCount: number;
  /** `$4 name <bulk name> $7 command <array argv>`, RESP (same in RESP2 and RESP3). */
  readonly record: Buffer;
}

/** The io-mux's view of the config values it enforces. */
export interface ControlConfig {
  maxClients: number;
  protoMaxBulkLen: number;
  queryBufferBytesMax: number;
}

/** Typed views over the control SAB; each thread builds its own. */
export class ControlArea {
  readonly int: Int32Array;
  readonly big: BigInt64Array;
  readonly float: Float64Array;
  /** The running-script record's bytes. */
  private readonly running: Buffer;

  constructor(readonly sab: SharedArrayBuffer) {
    assert(sab.byteLength === controlAreaBytes, 'control area of the wrong size');
    this.int = new Int32Array(sab);
    this.big = new BigInt64Array(sab, 0, 8);
    this.float = new Float64Array(sab, 0, 8);
    this.running = Buffer.from(sab, runningOffsetBytes, busyRunningScriptBytesMax);
  }

  static create(config: ControlConfig): ControlArea {
    const area = new ControlArea(new SharedArrayBuffer(controlAreaBytes));
    Atomics.store(area.int, ControlIndex.runningBytes, -1);
    area.publishConfig(config);
    return area;
  }

  // --- script state -------------------------------------------------------------------

  get scriptState(): number {
    return Atomics.load(this.int, ControlIndex.scriptState);
  }

  /** Engine: the script of `generation` passed the threshold (publishes BUSY last). */
  publishBusy(generation: number, isFunction: boolean, dirty: boolean, record: number, callerId: number): void {
    Atomics.store(this.int, ControlIndex.busyRecord, record | 0);
    Atomics.store(this.int, ControlIndex.busyCallerId, callerId | 0);
    const flags = ScriptFlag.busy | (isFunction ? ScriptFlag.function : 0) | (dirty ? ScriptFlag.dirty : 0);
    Atomics.store(this.int, ControlIndex.scriptState, ((generation & generationMask) << 8) | flags);
  }

  /** Engine: the busy script ended (returned, failed or was killed). */
  clearBusy(): void {
    Atomics.store(this.int, ControlIndex.scriptState, 0);
  }

  /**
   * Engine: the busy script is about to run its first write. Returns false if it was
   * killed first (the write must not happen); else the DIRTY bit is set and no kill can
   * land any more.
   */
  markDirty(): boolean {
    for (;;) {
      const s = Atomics.load(this.int, ControlIndex.scriptState);
      if ((s & ScriptFlag.killed) !== 0) return false;
      if ((s & ScriptFlag.busy) === 0 || (s & ScriptFlag.dirty) !== 0) return true;
      if (Atomics.compareExchange(this.int, ControlIndex.scriptState, s, s | ScriptFlag.dirty) === s) return true;
    }
  }

  /** Engine (count hook): has the io-mux killed the busy script? */
  get killed(): boolean {
    return (Atomics.load(this.int, ControlIndex.scriptState) & ScriptFlag.killed) !== 0;
  }

  /**
   * io-mux: SCRIPT KILL (isEval) or FUNCTION KILL, with scriptKill's checks in Redis's
   * order. Returns the reply to send (a RESP line with CRLF).
   */
  kill(isEval: boolean): string {
    for (;;) {
      const s = Atomics.load(this.int, ControlIndex.scriptState);
      if ((s & ScriptFlag.busy) === 0) return '-NOTBUSY No scripts in execution right now.\r\n';
      if ((s & ScriptFlag.dirty) !== 0) return unkillableReply;
      const running = (s & ScriptFlag.function) !== 0 ? 'function' : 'eval';
      if (isEval && running === 'function') return busyReplyFunction;
      if (!isEval && running === 'eval') return busyReplyEval;
      if ((s & ScriptFlag.killed) !== 0) return '+OK\r\n';
      if (Atomics.compareExchange(this.int, ControlIndex.scriptState, s, s | ScriptFlag.killed) === s) return '+OK\r\n';
    }
  }

  // --- the running function (FUNCTION STATS) ------------------------------------------

  /**
   * Engine, before publishBusy: what FUNCTION STATS reports while the script is busy.
   * `record` is the pre-encoded `name`/`command` fields (null for an EVAL); one larger
   * than the area is not published (FUNCTION STATS then waits for the engine).
   */
  publishRunning(startMs: number, librariesCount: number, functionsCount: number, record: Buffer | null): void {
    this.float[ControlFloat.busyStartMs] = startMs;
    Atomics.store(this.int, ControlIndex.librariesCount, librariesCount | 0);
    Atomics.store(this.int, ControlIndex.functionsCount, functionsCount | 0);
    if (record === null || record.length > this.running.length) {
      Atomics.store(this.int, ControlIndex.runningBytes, -1);
      return;
    }
    record.copy(this.running, 0);
    Atomics.store(this.int, ControlIndex.runningBytes, record.length);
  }

  /**
   * io-mux: a copy of what publishRunning wrote for the busy episode `state` (a
   * scriptState value seen busy), or null if there is no record or the episode ended
   * while it was copied.
   */
  readRunning(state: number): RunningScript | null {
    const n = Atomics.load(this.int, ControlIndex.runningBytes);
    if (n < 0) return null;
    const running: RunningScript = {
      startMs: this.float[ControlFloat.busyStartMs]!,
      librariesCount: Atomics.load(this.int, ControlIndex.librariesCount),
      functionsCount: Atomics.load(this.int, ControlIndex.functionsCount),
      record: Buffer.from(this.running.subarray(0, n)),
    };
    // The engine only rewrites the area for a new busy episode, after clearing this one.
    if ((Atomics.load(this.int, ControlIndex.scriptState) & ~0xff) !== (state & ~0xff)) return null;
    return running;
  }

  // --- the client bitmaps (owed, RESP3, stats-wait, MULTI, outside MULTI) -------------

  /** Engine: clears the five bitmaps before marking the clients. */
  clearOwed(): void {
    this.int.fill(0, ControlIndex.owedBitmap, ControlIndex.outsideMultiBitmap + owedWords);
  }

  markOwed(clientId: number): void {
    this.mark(ControlIndex.owedBitmap, clientId);
  }

  /** io-mux: may this client owe replies (its new commands must then wait)? */
  owes(clientId: number): boolean {
    return this.marked(ControlIndex.owedBitmap, clientId);
  }

  /** Engine: the client speaks RESP3 (mark every RESP3 client before markResp2). */
  markResp3(clientId: number): void {
    this.mark(ControlIndex.resp3Bitmap, clientId);
  }

  /** Engine: a RESP2 client whose bit a RESP3 client took: its protocol is unknown to the io-mux. */
  markResp2(clientId: number): void {
    if (this.marked(ControlIndex.resp3Bitmap, clientId)) this.markStatsWait(clientId);
  }

  /** io-mux: did the client speak RESP3 at busy onset? */
  isResp3(clientId: number): boolean {
    return this.marked(ControlIndex.resp3Bitmap, clientId);
  }

  /** Engine: FUNCTION STATS of this client must go to the engine (in MULTI, or protocol unknown). */
  markStatsWait(clientId: number): void {
    this.mark(ControlIndex.statsWaitBitmap, clientId);
  }

  statsWait(clientId: number): boolean {
    return this.marked(ControlIndex.statsWaitBitmap, clientId);
  }

  /** Engine: the client is in MULTI (mark every such client before unmarkMulti). */
  markMulti(clientId: number): void {
    this.mark(ControlIndex.multiBitmap, clientId);
  }

  /** Engine: a client outside MULTI clears its bit, so a set bit is never a collision. */
  unmarkMulti(clientId: number): void {
    const bit = clientId & owedMask;
    Atomics.and(this.int, ControlIndex.multiBitmap + (bit >>> 5), ~(1 << (bit & 31)));
  }

  /** io-mux: was the client in MULTI at busy onset (false when unsure)? */
  inMulti(clientId: number): boolean {
    return this.marked(ControlIndex.multiBitmap, clientId);
  }

  /** Engine: the client is outside MULTI (mark every such client before unmarkOutsideMulti). */
  markOutsideMulti(clientId: number): void {
    this.mark(ControlIndex.outsideMultiBitmap, clientId);
  }

  /** Engine: a client in MULTI clears its bit, so a set bit is never a collision. */
  unmarkOutsideMulti(clientId: number): void {
    const bit = clientId & owedMask;
    Atomics.and(this.int, ControlIndex.outsideMultiBitmap + (bit >>> 5), ~(1 << (bit & 31)));
  }

  /** io-mux: was the client outside MULTI at busy onset (false when unsure)? */
  outsideMulti(clientId: number): boolean {
    return this.marked(ControlIndex.outsideMultiBitmap, clientId);
  }

  private mark(base: number, clientId: number): void {
    const bit = clientId & owedMask;
    Atomics.or(this.int, base + (bit >>> 5), 1 << (bit & 31));
  }

  private marked(base: number, clientId: number): boolean {
    const bit = clientId & owedMask;
    return (Atomics.load(this.int, base + (bit >>> 5)) & (1 << (bit & 31))) !== 0;
  }

  get busyRecord(): number {
    return Atomics.load(this.int, ControlIndex.busyRecord);
  }

  // --- config the io-mux enforces -----------------------------------------------------

  /** Engine (and the server at start): stores the values, then bumps the generation. */
  publishConfig(config: ControlConfig): void {
    Atomics.store(this.int, ControlIndex.maxClients, Math.min(config.maxClients, 0x7fffffff));
    Atomics.store(this.big, ControlBig.protoMaxBulkLen, BigInt(Math.min(config.protoMaxBulkLen, Number.MAX_SAFE_INTEGER)));
    Atomics.store(this.big, ControlBig.queryBufferBytesMax, BigInt(Math.min(config.queryBufferBytesMax, Number.MAX_SAFE_INTEGER)));
    Atomics.add(this.int, ControlIndex.configGen, 1);
  }

  get configGeneration(): number {
    return Atomics.load(this.int, ControlIndex.configGen);
  }

  readConfig(): ControlConfig {
    return {
      maxClients: Atomics.load(this.int, ControlIndex.maxClients),
      protoMaxBulkLen: Number(Atomics.load(this.big, ControlBig.protoMaxBulkLen)),
      queryBufferBytesMax: Number(Atomics.load(this.big, ControlBig.queryBufferBytesMax)),
    };
  }
}

/**
 * What the io-mux's busy gate tells the engine about a command it answered while a
 * script was busy, in a busyApplied request entry (batch-format.ts), applied without a
 * reply (engine-control.ts's applyBusyChange), in order with the client's requests:
 * flag an open MULTI (a rejection: EXECABORT later), discard it (a rejected EXEC, or
 * DISCARD), open one (MULTI), forget the watched keys (UNWATCH), or queue the command
 * carried in the entry (answered +QUEUED). Numbered explicitly: it is a wire value.
 */
export const BusyChange = {
  flag: 1,
  exec: 2,
  multi: 3,
  discard: 4,
  unwatch: 5,
  queue: 6,
} as const;
export type BusyChangeKind = (typeof BusyChange)[keyof typeof BusyChange];

/**
 * shutdownCommand's argument checks while a script is busy (the io-mux's gate and the
 * engine's busy pump both answer it): 'syntax' (-ERR syntax error), 'abort' (no shutdown
 * in progress), 'nosave' (stop the server now) or 'busy' (anything else gets -BUSY).
 */
export function shutdownWhileBusy(argv: readonly Buffer[]): 'syntax' | 'abort' | 'nosave' | 'busy' {
  let nosave = false;
  let save = false;
  let other = false;
  let abort = false;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!.latin1Slice(0, argv[i]!.length).toLowerCase();
    if (a === 'nosave') nosave = true;
    else if (a === 'save') save = true;
    else if (a === 'now' || a === 'force') other = true;
    else if (a === 'abort') abort = true;
    else return 'syntax';
  }
  if ((abort && (nosave || save || other)) || (nosave && save)) return 'syntax';
  if (abort) return 'abort';
  return nosave ? 'nosave' : 'busy';
}

/** SHUTDOWN ABORT's reply when no shutdown is in progress. */
export const noShutdownReply = '-ERR No shutdown in progress.\r\n';

/** Redis's shared.slowevalerr and shared.slowscripterr (server.c), with CRLF. */
export const busyReplyEval = '-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n';
export const busyReplyFunction = '-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.\r\n';
/** script.c's scriptKill text for a script that already wrote. */
export const unkillableReply =
  '-UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.\r\n';
