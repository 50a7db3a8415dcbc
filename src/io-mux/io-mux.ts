// The io-mux (main thread): the TCP server in front of the command-engine worker.
//
// Requests: every connection's parser encodes its commands straight into one shared
// BatchEncoder; the batch is flushed once per event-loop turn (setImmediate, which runs
// after all of the turn's socket reads), so every request that arrived in one turn,
// across connections, crosses to the worker as one ring record (or several, when a
// batch passes batchBytesMax). If the request ring is full, records wait in a backlog,
// in order, until the ring has space (waitForSpaceAsync); sockets that keep sending
// while the backlog is large are paused. Nothing is dropped; the main thread never
// blocks.
//
// Replies: the reply ring is drained when the engine wakes us (or on the next turn,
// when replies kept coming during a drain), and at the end of every turn that read
// requests (flushNow, the check phase): from the first request of a turn until that
// drain the ring's sleeping flag is down, so replies the engine pushes meanwhile cost it
// no wake-up call and us no wake-up and no event-loop turn of their own (at GET -P 1 the
// engine often answers while the main thread is still reading). The engine wakes us by
// writing a byte to a wake pipe (src/ring/wake-pipe.ts; its read callback drains) once
// the pipe is built, a few event-loop turns after the constructor: that costs both
// threads less than Atomics.waitAsync, which wakes us until then (and where no pipe can
// be built), one promise armed across turns while the flag goes up and down. Each reply record is copied out of
// the ring exactly once, in one pass, into one buffer in record order; a connection's
// consecutive replies form one run, so each connection mostly gets one socket write per
// record (one writev when its replies were interleaved with another's), in order,
// straight to the socket's handle where Node allows it (connection.ts, writeMode). Jumbo records arrive on the MessagePort
// (receiveMessageOnPort when their placeholder is popped) and are written without a
// copy; taking one bumps the shared counter the worker's jumbo flow control waits on.
//
// Per-connection flow control (connection.ts): sync entries through the worker bound
// the requests a client has in flight; output past a threshold pauses reading; output
// past the hard limit disconnects.
//
// Invariants: client ids are unique and increasing; the engine hears open before any
// command of a client and close exactly once, after its last command; a reply for a
// client that is gone is dropped.

import net from 'node:net';
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { assert } from '../assert.js';
import { EntryKind } from '../engine/reply.js';
import { batchBytesMax, clientCountMax, clientOutputBytesMax, clientOutputPauseBytes, clientRequestInflightBytes, requestBacklogBytesMax, ringRecordBytesMax } from '../limits.js';
import { ringRecordFootprintBytes, type SpscRing } from '../ring/spsc-ring.js';
import { handoffStats, handoffStatsOn, reportHandoffStats } from '../ring/handoff-stats.js';
import { WakePipe } from '../ring/wake-pipe.js';
import {
  BatchEncoder,
  RecordKind,
  fromJumboMessage,
  replyEntryHeaderBytes,
  replyKindSynced,
  recordHeaderBytes,
  toJumboMessage,
  type JumboMessage,
} from '../workers/batch-format.js';
import { JumboCounter } from '../workers/worker-data.js';
import { Connection, type ConnectionHost } from './connection.js';
import { BusyGate } from './busy-gate.js';
import { defaultParserLimits, type ParserLimits } from './resp-parser.js';
import type { ControlArea } from '../workers/control-area.js';

export interface IoMuxOptions {
  requestRing: SpscRing;
  replyRing: SpscRing;
  /** The io-mux's end of the MessageChannel shared with the worker (jumbo records). */
  port: MessagePort;
  jumboCounters: Int32Array;
  requirePass: boolean;
  maxClients?: number;
  /**
   * The control area shared with the engine (src/workers/control-area.ts): busy scripts
   * (the busy gate answers for the engine) and the config values CONFIG SET changes.
   */
  control?: ControlArea;
  /** SHUTDOWN NOSAVE while a script is busy (the engine cannot run it). */
  onShutdownRequest?: () => void;
  /** Output backpressure thresholds; default clientOutputPauseBytes / clientOutputBytesMax. */
  outputPauseBytes?: number;
  outputBytesMax?: number;
  requestInflightBytes?: number;
}

/** Replies up to this size are copied by 32-bit words, bigger ones by TypedArray.set. */
const replyWordCopyBytesMax = 256;
/**
 * The reply drain's scratch buffer is at least this big when it is (re)made: the size of
 * Node's Buffer pool, which the per-record Buffer.allocUnsafe it replaces sliced, so a
 * queued write pins no more memory than before.
 */
const replyScratchBytesMin = 8 * 1024;
const maxClientsReply = Buffer.from('-ERR max number of clients reached\r\n');
const placeholderRecord = Buffer.from([RecordKind.jumbo]);
const shutdownRecord = Buffer.from([RecordKind.shutdown]);

/** Socket reads counted at the last flush (hand-off counters only). */
let readsAtLastFlush = 0;

/** Hand-off counters: one flush, and whether its turn read few requests (1-3 socket reads). */
function countFlush(): void {
  handoffStats.requestFlushes++;
  const reads = handoffStats.socketReads - readsAtLastFlush;
  readsAtLastFlush = handoffStats.socketReads;
  if (reads >= 1 && reads <= 3) handoffStats.requestFlushesSmall++;
}

function formatAddr(ip: string | undefined, port: number | undefined): string {
  const host = ip ?? '?';
  return host.includes(':') ? `[${host}]:${port ?? 0}` : `${host}:${port ?? 0}`;
}

export class IoMux implements ConnectionHost {
  readonly server: net.Server;
  readonly encoder: BatchEncoder;
  readonly connections = new Map<number, Connection>();
  private nextClientId = 1;
  private flushScheduled = false;
  /** A waitForNotifyAsync promise on the reply ring is pending (armed across turns). */
  private replyNotifyArmed = false;
  /** A replyWake is scheduled with setImmediate (the reply ring's flag is down meanwhile). */
  private replyWakeScheduled = false;
  /**
   * The engine wakes us through this once it is built and published in the reply ring
   * (replaces the waitAsync promise). Closed when the MessagePort to the engine closes:
   * the engine may write to it until it has stopped.
   */
  private wakePipe: WakePipe | undefined;
  /** The MessagePort to the engine closed: the engine stopped (or never ran). */
  private portClosed = false;
  private running = true;
  private maxClients: number;
  /** Request records pushed (or backlogged) so far, in ring order: the engine counts the same. */
  requestRecords = 0;
  readonly busyGate?: BusyGate;
  /** Shared by every connection's parser: CONFIG SET changes it in place. */
  readonly parserLimits: ParserLimits = { ...defaultParserLimits };
  /** The control area's config generation last applied. */
  private configGeneration = 0;
  readonly outputPauseBytes: number;
  readonly outputBytesMax: number;
  readonly requestInflightBytes: number;

  /** Records that did not fit in the request ring yet, in order. */
  private readonly backlog: { record: Buffer; bytes: number }[] = [];
  private backlogBytes = 0;
  private backlogWaiting = false;
  private readonly pausedForBacklog = new Set<Connection>();

  /**
   * Counts for tests and INFO-like introspection: records that waited, jumbo records,
   * reply writes of several runs (a connection's replies interleaved with another's).
   */
  readonly counters = { backloggedRecords: 0, jumboRequests: 0, jumboReplies: 0, corkedReplyWrites: 0 };

  private drainEpoch = 0;
  /** The connections of the reply record being drained; entries past touchedCount are stale. */
  private readonly touched: (Connection | undefined)[] = [];
  private touchedCount = 0;
  /**
   * Where replies are copied out of the ring, reused record after record, and its view
   * for the word copies: a fresh one is made only when a record is bigger or a write of
   * the last record left bytes queued (a queued write holds a view of its bytes until
   * libuv has sent them). So while the sockets keep up, the drain allocates no buffer.
   */
  private replyScratch: Buffer = Buffer.allocUnsafeSlow(0);
  private replyScratchView: DataView<ArrayBufferLike> = new DataView(this.replyScratch.buffer);
  /** A DataView of the ring's buffer, for the reply drain's word copies. */
  private recordView: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));

  constructor(private readonly opts: IoMuxOptions) {
    this.maxClients = opts.maxClients ?? clientCountMax;
    if (opts.control !== undefined) {
      this.configGeneration = opts.control.configGeneration;
      this.busyGate = new BusyGate(opts.control, {
        drainReplies: () => this.drainReplies(),
        shutdownNow: () => opts.onShutdownRequest?.(),
      });
    }
    this.outputPauseBytes = opts.outputPauseBytes ?? clientOutputPauseBytes;
    this.outputBytesMax = opts.outputBytesMax ?? clientOutputBytesMax;
    this.requestInflightBytes = opts.requestInflightBytes ?? clientRequestInflightBytes;
    assert(this.outputPauseBytes < this.outputBytesMax, 'pause reading before disconnecting');
    // A ring holds several of its largest records (as limits.ts asserts for the defaults).
    const recordBytesMax = Math.min(ringRecordBytesMax, opts.requestRing.capacityBytes / 4);
    this.encoder = new BatchEncoder((record, owned) => this.sendRecord(record, owned), recordBytesMax, Math.min(batchBytesMax, recordBytesMax));
    // pauseOnConnect: a socket must not read before its Connection chose how it reads
    // (connection.ts, readMode); the Connection starts reading.
    this.server = net.createServer({ noDelay: true, pauseOnConnect: true }, (socket) => this.accept(socket));
    this.replyWake();
    opts.port.once('close', () => {
      this.portClosed = true;
      this.wakePipe?.close();
    });
    void WakePipe.open(this.onReplyPipe).then((pipe) => {
      if (pipe === undefined) return; // waitAsync stays
      // Not published yet, so nobody writes to it: safe to close at once.
      if (!this.running || this.portClosed) {
        pipe.close();
        return;
      }
      this.wakePipe = pipe;
      // A notify that read the fd before this store resolves the armed promise as before.
      opts.replyRing.setConsumerWakeFd(pipe.writeFd);
    });
    if (handoffStatsOn) setInterval(() => reportHandoffStats('main'), 50).unref();
  }

  /**
   * How the engine wakes the reply drain (tests): 'pipe' once the wake pipe is in use,
   * 'closed' once it was closed with the MessagePort.
   */
  get replyWakeMode(): 'pipe' | 'waitAsync' | 'closed' {
    if (this.wakePipe === undefined) return 'waitAsync';
    return this.wakePipe.isClosed ? 'closed' : 'pipe';
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        const address = this.server.address();
        assert(address !== null && typeof address !== 'string', 'listening socket has no TCP address');
        resolve(address.port);
      });
    });
  }

  // --- connections -------------------------------------------------------------------------

  private accept(socket: net.Socket): void {
    if (!this.running) {
      socket.destroy();
      return;
    }
    socket.on('error', () => {
      // ECONNRESET and friends: 'close' follows and does the bookkeeping.
    });
    this.applyConfig();
    if (this.connections.size >= this.maxClients) {
      socket.resume(); // paused by pauseOnConnect: read (and drop) so the client's FIN is seen
      socket.end(maxClientsReply);
      return;
    }
    const id = this.nextClientId++;
    assert(id <= 0xffffffff, 'client ids exhausted');
    const conn = new Connection(id, socket, this, this.opts.requirePass);
    this.connections.set(id, conn);
    this.encoder.open(id, formatAddr(socket.remoteAddress, socket.remotePort), formatAddr(socket.localAddress, socket.localPort));
    this.scheduleFlush();
    socket.on('close', () => {
      conn.state = 'closed';
      this.connections.delete(id);
      this.pausedForBacklog.delete(conn);
      if (!this.running) return;
      this.encoder.close(id);
      this.scheduleFlush();
    });
  }

  // --- requests ----------------------------------------------------------------------------

  scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // flushNow drains the replies, so the engine need not wake us until then.
    this.opts.replyRing.suppressNotify();
    setImmediate(this.flushNow);
  }

  private readonly flushNow = (): void => {
    this.flushScheduled = false;
    if (handoffStatsOn) countFlush();
    this.encoder.flush();
    // Also raises the reply ring's flag again (scheduleFlush lowered it).
    this.replyWake();
  };

  shouldPauseForBacklog(conn: Connection): boolean {
    if (this.backlogBytes <= requestBacklogBytesMax) return false;
    this.pausedForBacklog.add(conn);
    return true;
  }

  private sendRecord(record: Buffer, owned: boolean): void {
    if (owned) {
      // Post the jumbo now; its placeholder keeps its place in the ring's order (both
      // the port and the ring are FIFO, and the worker takes one message per placeholder).
      const { message, transfer } = toJumboMessage(record);
      this.opts.port.postMessage(message, transfer);
      this.counters.jumboRequests++;
      this.enqueue(placeholderRecord, record.length);
      return;
    }
    this.enqueue(record, record.length);
  }

  /**
   * Pushes a record into the request ring, or, if the ring is full or others wait
   * already, into the backlog (copied; `bytes` counts against requestBacklogBytesMax).
   */
  private enqueue(record: Buffer, bytes: number): void {
    const ring = this.opts.requestRing;
    this.requestRecords++;
    if (handoffStatsOn) handoffStats.requestRecords++;
    if (this.backlog.length === 0 && ring.tryPush(record)) {
      // Hand-off counter: pushed behind a record the engine has not released yet (it
      // would reach this one without a wake). Skipping the doorbell then (96283ea) cost
      // more than it saved: see requestPushesBehind in handoff-stats.ts.
      if (handoffStatsOn && ring.usedBytes() > ringRecordFootprintBytes(record.length)) handoffStats.requestPushesBehind++;
      ring.notify();
      return;
    }
    const copy = record === placeholderRecord || record === shutdownRecord ? record : Buffer.from(record);
    this.backlog.push({ record: copy, bytes });
    this.counters.backloggedRecords++;
    this.backlogBytes += bytes;
    this.waitForRingSpace();
  }

  private waitForRingSpace(): void {
    if (this.backlogWaiting || this.backlog.length === 0) return;
    this.backlogWaiting = true;
    void this.opts.requestRing.waitForSpaceAsync(this.backlog[0]!.record.length).then(() => {
      this.backlogWaiting = false;
      this.pushBacklog();
    });
  }

  private pushBacklog(): void {
    const ring = this.opts.requestRing;
    let pushed = false;
    while (this.backlog.length > 0 && ring.tryPush(this.backlog[0]!.record)) {
      this.backlogBytes -= this.backlog.shift()!.bytes;
      pushed = true;
    }
    if (pushed) ring.notify();
    if (this.backlog.length > 0) {
      this.waitForRingSpace();
      return;
    }
    if (this.pausedForBacklog.size > 0) {
      for (const conn of this.pausedForBacklog) conn.resumeFromBacklog();
      this.pausedForBacklog.clear();
    }
  }

  // --- replies -----------------------------------------------------------------------------

  /**
   * Drains the reply ring, then raises its sleeping flag and makes sure the engine can
   * wake us: the wake pipe is always read; without it a waitAsync promise is armed. If
   * more replies arrived meanwhile, it yields to the event loop (setImmediate, the flag
   * down) instead: a chain of wake-ups that always finds data would starve socket I/O
   * while the worker keeps producing.
   *
   * No lost wake-up: the flag is down only while a drain is scheduled (flushNow or the
   * setImmediate below) or running (onReplyPipe); the engine's notify leaves it up (spsc-ring.ts: only the
   * sleeper clears its flag) and writes a wake byte (or resolves the armed promise).
   * Raising it re-checks the ring (flagSleeping), and arming compares the ring's tail
   * with our head, so replies pushed around either step are seen.
   */
  private readonly replyWake = (): void => {
    if (!this.running) return;
    const ring = this.opts.replyRing;
    this.drainReplies();
    if (!ring.flagSleeping()) {
      if (this.wakePipe !== undefined || this.replyNotifyArmed) return;
      const notified = ring.waitForNotifyAsync();
      if (notified !== undefined) {
        this.replyNotifyArmed = true;
        void notified.then(this.onReplyNotify);
        return;
      }
    }
    if (this.replyWakeScheduled) return;
    this.replyWakeScheduled = true;
    ring.suppressNotify();
    setImmediate(this.replyWakeNextTurn);
  };

  /**
   * Wake bytes arrived on the wake pipe (one read: one or more notifies). Awake, we lower
   * the flag first (it is ours to clear): replies the engine pushes during this drain
   * then cost it no write and us no second wake-up (replyWake's flagSleeping finds them).
   */
  private readonly onReplyPipe = (): void => {
    this.countWake();
    this.opts.replyRing.suppressNotify();
    this.replyWake();
  };

  private readonly onReplyNotify = (): void => {
    this.replyNotifyArmed = false;
    this.countWake();
    this.replyWake();
  };

  private readonly replyWakeNextTurn = (): void => {
    this.replyWakeScheduled = false;
    this.countWake();
    this.replyWake();
  };

  /** Hand-off counters: a wake-up of the reply drain of its own (not flushNow's). */
  private countWake(): void {
    if (!handoffStatsOn) return;
    handoffStats.replyWakes++;
    if (this.opts.replyRing.usedBytes() === 0) handoffStats.replyWakesEmpty++;
  }

  /**
   * Takes the values the engine published after a CONFIG SET (maxclients,
   * proto-max-bulk-len, client-query-buffer-limit). Called before replies are drained,
   * so the io-mux enforces them before the client reads CONFIG SET's +OK.
   */
  private applyConfig(): void {
    const control = this.opts.control;
    if (control === undefined || control.configGeneration === this.configGeneration) return;
    this.configGeneration = control.configGeneration;
    const c = control.readConfig();
    this.maxClients = c.maxClients;
    this.parserLimits.bulkBytesMax = c.protoMaxBulkLen;
    this.parserLimits.queryBufferBytesMax = c.queryBufferBytesMax;
  }

  /** Drains every reply record available now. */
  drainReplies(): void {
    const ring = this.opts.replyRing;
    for (;;) {
      const rec = ring.tryPop();
      if (rec === null) break;
      // Popped after the engine pushed it, so values it published before are visible.
      this.applyConfig();
      if (rec[0] === RecordKind.jumbo) {
        ring.release();
        const msg = receiveMessageOnPort(this.opts.port);
        // The worker posts the message before it pushes the placeholder.
        assert(msg !== undefined, 'jumbo placeholder without its message');
        const counters = this.opts.jumboCounters;
        Atomics.add(counters, JumboCounter.repliesTaken, 1);
        this.counters.jumboReplies++;
        Atomics.notify(counters, JumboCounter.repliesTaken);
        this.handleReplyRecord(fromJumboMessage(msg.message as JumboMessage), true);
      } else {
        assert(rec[0] === RecordKind.batch, `unknown reply record kind ${rec[0]}`);
        this.handleReplyRecord(rec, false);
        ring.release();
      }
    }
    if (this.backlog.length > 0) this.pushBacklog();
  }

  /**
   * Writes one reply record. One pass over its entries copies each reply out of the
   * ring into `out` (the record's size bounds the replies' sum) in record order, as
   * runs: consecutive replies of one connection (a client's pipeline runs in a row)
   * form one run, so most connections get one run and one socket write; a connection
   * whose replies are interleaved with another's gets its runs written in order in one
   * writev. If `owned` (a jumbo record of its own), replies are written as
   * views of the record instead of copies.
   */
  private handleReplyRecord(rec: Uint8Array, owned: boolean): void {
    const epoch = ++this.drainEpoch;
    const touched = this.touched;
    let touchedCount = 0;
    const end = rec.length;
    // Replies are copied out (the ring's bytes are released after this call) unless owned.
    let out: Buffer;
    if (owned) {
      out = Buffer.from(rec.buffer, rec.byteOffset, rec.length);
    } else {
      if (this.replyScratch.length < end) this.newReplyScratch(end);
      out = this.replyScratch;
    }
    const outView = this.replyScratchView;
    // Ring records are views of one SharedArrayBuffer: this view of all of it is made once.
    let recView = this.recordView;
    if (recView.buffer !== rec.buffer) recView = this.recordView = new DataView(rec.buffer);
    const recBase = rec.byteOffset;
    let cursor = 0;
    // The current run: its connection and where its bytes start in `out` (owned: the
    // record offsets of the run's entries are not contiguous, so each entry is its own run).
    let runConn: Connection | undefined;
    let runStart = 0;
    let lastId = -1;
    let lastConn: Connection | undefined;
    for (let o = recordHeaderBytes; o < end; ) {
      const kind = rec[o]!;
      const id = (rec[o + 1]! | (rec[o + 2]! << 8) | (rec[o + 3]! << 16) | (rec[o + 4]! << 24)) >>> 0;
      const bytes = (rec[o + 5]! | (rec[o + 6]! << 8) | (rec[o + 7]! << 16) | (rec[o + 8]! << 24)) >>> 0;
      const body = o + replyEntryHeaderBytes;
      o = body + bytes;
      assert(o <= end, 'reply entry past the end of its record');
      // A client's entries mostly follow one another: the last id's connection is kept,
      // so most entries cost no map lookup.
      if (id !== lastId) {
        lastId = id;
        lastConn = this.connections.get(id);
      }
      const conn = lastConn;
      if (conn === undefined || conn.state === 'closed') continue;
      if (conn.drainEpoch !== epoch) {
        conn.drainEpoch = epoch;
        // pop() is inlined where `length = 0` is a runtime call; most hold one run.
        const runs = conn.drainRuns;
        while (runs.length > 0) runs.pop();
        conn.drainClose = false;
        conn.drainSynced = 0;
        touched[touchedCount++] = conn;
      }
      if (conn.drainClose) continue; // nothing is written after a close
      switch (kind) {
        case EntryKind.reply:
          if (owned) {
            conn.drainRuns.push(body, o);
            break;
          }
          if (conn !== runConn) {
            if (runConn !== undefined && cursor > runStart) runConn.drainRuns.push(runStart, cursor);
            runConn = conn;
            runStart = cursor;
          }
          // Short replies four bytes at a time through DataViews: a view per entry
          // (subarray, for set) costs more than that up to a few hundred bytes, and a
          // byte loop costs about 4x more (a microbenchmark on this machine, 108 bytes:
          // 110 ns, set 200 ns, bytes 420 ns).
          if (bytes <= replyWordCopyBytesMax) {
            let j = 0;
            for (; j + 4 <= bytes; j += 4) outView.setUint32(cursor + j, recView.getUint32(recBase + body + j));
            for (; j < bytes; j++) out[cursor + j] = rec[body + j]!;
          } else {
            out.set(rec.subarray(body, o), cursor);
          }
          cursor += bytes;
          break;
        case EntryKind.close:
          conn.drainClose = true;
          break;
        case EntryKind.authenticated:
          conn.setAuthenticated(bytes > 0 && rec[body] === 1);
          break;
        case replyKindSynced:
          conn.drainSynced++;
          break;
        default:
          assert(false, `unknown reply entry kind ${kind}`);
      }
    }
    if (runConn !== undefined && cursor > runStart) runConn.drainRuns.push(runStart, cursor);
    if (handoffStatsOn) {
      handoffStats.replyRecords++;
      handoffStats.replyConnections += touchedCount;
    }
    let queued = false;
    for (let t = 0; t < touchedCount; t++) {
      const conn = touched[t]!;
      const runs = conn.drainRuns;
      if (runs.length === 2) {
        conn.write(out.subarray(runs[0]!, runs[1]!));
        queued ||= conn.outputBytes > 0;
      } else if (runs.length > 2) {
        this.counters.corkedReplyWrites++;
        conn.writeRuns(out, runs);
        queued ||= conn.outputBytes > 0;
      }
      if (conn.drainClose) conn.endAfterWrites();
      else for (let i = 0; i < conn.drainSynced; i++) conn.onSynced();
    }
    // Stale entries would keep closed connections alive.
    for (let t = touchedCount; t < this.touchedCount; t++) touched[t] = undefined;
    this.touchedCount = touchedCount;
    // Bytes still queued may be views of the scratch: the next record gets a new one.
    if (queued && !owned) this.newReplyScratch(replyScratchBytesMin);
  }

  private newReplyScratch(bytes: number): void {
    this.replyScratch = Buffer.allocUnsafeSlow(Math.max(bytes, replyScratchBytesMin));
    this.replyScratchView = new DataView(this.replyScratch.buffer);
  }

  // --- shutdown ----------------------------------------------------------------------------

  /** Stops accepting, closes every client, and tells the worker to leave its loop. */
  async close(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const conn of this.connections.values()) conn.destroy();
    this.connections.clear();
    this.encoder.flush();
    this.enqueue(shutdownRecord, 0);
    await closed;
  }
}
