// The command-engine worker thread's entry point (runs in the one engine worker).
//
// Loop: pop a request batch from the request ring, decode it (batch-format.ts), run
// each command through engine.execute into one ReplyWriter, push the reply batch as one
// record into the reply ring, notify the io-mux (only if it sleeps). When there is no
// request, run the engine's timers (engine.tick) when due and block in Atomics.wait
// until data arrives or the next timer is due (at most engineIdleWaitMs).
//
// A record larger than the ring's record limit travels as a jumbo record: the bytes are
// posted on the MessagePort shared with the io-mux, then a one-byte placeholder is
// pushed into the ring; the receiver takes the message with receiveMessageOnPort when it
// reaches the placeholder, so the order holds. At most jumboInFlightCountMax jumbo
// replies are in flight (a shared counter the io-mux bumps), so a pipeline of huge GETs
// cannot pile up unbounded messages.
//
// Durable write path (with a journal; src/durability): every effect record the engine
// emits gets a seq from the tracker and goes, encoded, into the effects ring for the
// journal-writer worker; replies that depend on an uncommitted record are held by the
// tracker and leave when committedSeq (shared memory) covers it. Records read back from
// the journal arrive on the replay ring (start, and reload after a journal failure). The
// worker parks on the durability doorbell, which the io-mux rings for requests and the
// journal writer for commits and replay records, instead of on the request ring alone.
//
// Busy scripts: while a script runs past busy-reply-threshold, the busy pump
// (busy-pump.ts) answers the requests queued behind it from the Lua count hook; it pops
// request records itself (so the loop tracks whether the current record is still held),
// and what it postpones runs right after the record that held the script.
//
// Invariants: one reply record per request record, except that a reply batch is pushed
// early when it passes batchBytesMax (bounding each hop), tick output and the busy
// pump's replies go in records of their own (and a busy script's reply batch is split
// at its open entry); the reply writer has no open entry between commands; the worker never
// drops a reply: a full reply ring is waited out (waitForSpace), never skipped.

import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { assert } from '../assert.js';
import { Engine } from '../engine/engine.js';
import { decodeEffectRecord, type EffectRecord } from '../engine/effects.js';
import { DurabilityShared, SharedBig } from '../durability/shared-state.js';
import { Tracker } from '../durability/tracker.js';
import { LatencyTrace, latencyTraceOn } from '../durability/latency-trace.js';
import { ReplayKind, replayHeaderBytes } from '../durability/ring-records.js';
import { EffectsPublisher } from '../durability/effects-publisher.js';
import { EntryKind, ReplyWriter } from '../engine/reply.js';
import { prefetchGroupKeys, prefetchKeysMax } from '../engine/dense-dict.js';
import { batchBytesMax, engineIdleWaitMs, jumboInFlightCountMax, ringRecordBytesMax } from '../limits.js';
import { SpscRing } from '../ring/spsc-ring.js';
import {
  RecordKind,
  RequestKind,
  RequestReader,
  fromJumboMessage,
  recordHeaderBytes,
  replyKindSynced,
  toJumboMessage,
  type JumboMessage,
} from './batch-format.js';
import { JumboCounter, type EngineWorkerData } from './worker-data.js';
import { ControlArea } from './control-area.js';
import { applyBusyChange, idleClientCloser, installEngineControl } from './engine-control.js';
import { BusyPump } from './busy-pump.js';

/** Commands between two Engine.prefetchKeys calls (each is given the next three groups' keys). */
const prefetchGroup = prefetchGroupKeys;

// The worker's own reply kind must not collide with the engine's.
for (const k of Object.values(EntryKind)) assert(k < replyKindSynced, 'EntryKind overlaps the worker reply kinds');

function main(data: EngineWorkerData): void {
  const requests = SpscRing.attach(data.requestRing);
  const replies = SpscRing.attach(data.replyRing);
  const counters = new Int32Array(data.jumboCounters);
  const port = data.port;
  const engine = new Engine(data.engine);
  // A ring holds several of its largest records (as limits.ts asserts for the defaults).
  const recordBytesMax = Math.min(ringRecordBytesMax, replies.capacityBytes / 4);
  const flushBytes = Math.min(batchBytesMax, recordBytesMax);

  let out = new ReplyWriter();
  const reader = new RequestReader();
  /** Request records popped so far (the io-mux numbers the records it pushes the same way). */
  let requestRecordIndex = 0;
  /** SHUTDOWN ran: nothing more is executed; the io-mux is closing. */
  let shutdownRequested = false;
  /** A request-ring record is popped and not yet released (the busy pump may release it). */
  let requestHeld = false;
  /** The argv of the command being executed (the busy pump copies it before releasing its record). */
  let currentArgv: Buffer[] | null = null;
  /**
   * Where the unsent part of `out` starts, less the record kind byte: the busy pump
   * pushed out[0, replyStartAt] at busy onset (0: nothing was pushed early).
   */
  let replyStartAt = 0;

  // --- The durable write path ----------------------------------------------------------
  const shared = new DurabilityShared(data.durability);
  const effectsRing = data.journal === undefined ? undefined : SpscRing.attach(data.journal.effectsRing);
  const replayRing = data.journal === undefined ? undefined : SpscRing.attach(data.journal.replayRing);
  const tracker = data.journal === undefined ? undefined : new Tracker((argv) => engine.resolve(argv));
  /** The effects ring's producer (effects-publisher.ts); its epoch counts reloads. */
  const effects = effectsRing === undefined || tracker === undefined ? undefined : new EffectsPublisher(effectsRing, tracker, shared);
  let heldStored = 0;
  /** Bench-only stage stamps (latency-trace.ts); undefined unless KEELDB_LATENCY_TRACE is set. */
  const trace = latencyTraceOn ? new LatencyTrace('engine', ['exec', 'reqRecord', 'release', 'replyRecord', 'replyPush']) : undefined;
  /** Reply records pushed so far (numbered from 1 as the io-mux pops them): the trace's record index. */
  let replyRecordsPushed = 0;

  /** Gives an effect record its seq and hands it to the journal writer. */
  const publishEffects = (record: EffectRecord): void => {
    const seq = effects!.publish(record);
    if (trace !== undefined) {
      trace.set('exec', seq, trace.now());
      trace.set('reqRecord', seq, requestRecordIndex);
    }
  };

  if (tracker !== undefined) {
    engine.tracker = tracker;
    engine.loading = true;
    engine.onEffects = publishEffects;
  }
  const onShutdown = (): void => {
    shutdownRequested = true;
    parentPort?.postMessage({ kind: 'shutdown' });
  };
  let pump: BusyPump | undefined;
  if (data.control !== undefined) {
    const control = new ControlArea(data.control);
    pump = new BusyPump(engine, control, tracker, {
      reader,
      currentArgv: () => currentArgv,
      flushPrefix: () => flushReplyPrefix(),
      nextRecord: () => popForPump(),
      pushReplies: (record) => {
        // Writes run by the pump reach the writer as any flush's do (published, woken if asked).
        effects?.notify();
        // A jumbo record's buffer may be handed over: never the pump's own.
        sendReplyRecord(record.length > recordBytesMax ? Buffer.from(record) : record);
        replies.notify();
      },
      shutdownNow: onShutdown,
    });
    installEngineControl(engine, control, { currentRecord: () => requestRecordIndex, tracker, onShutdown, pump });
  }
  /** CONFIG SET timeout: idle clients are closed with the timers. */
  const closeIdleClients = idleClientCloser(engine, tracker);
  engine.durability = () => ({
    journal: data.journal !== undefined,
    loading: engine.loading,
    latestSeq: tracker?.latestSeq ?? 0,
    committedSeq: tracker?.committedSeq ?? 0,
    committedId: shared.load(SharedBig.committedId),
    appendCount: shared.load(SharedBig.appendCount),
    appendLatencyP50Us: shared.load(SharedBig.appendLatencyP50Us),
    appendLatencyP99Us: shared.load(SharedBig.appendLatencyP99Us),
    heldReplies: tracker?.heldCount ?? 0,
    loadedRecords: shared.load(SharedBig.loadedRecords),
  });

  /** Replay records applied per loop turn at most, so -LOADING replies keep flowing. */
  const replayTurnCountMax = 1024;
  /** Applies what the journal writer sent back; true if it took anything. */
  const drainReplay = (): boolean => {
    if (replayRing === undefined) return false;
    let n = 0;
    for (; n < replayTurnCountMax; n++) {
      const rec = replayRing.tryPop();
      if (rec === null) break;
      const kind = rec[0];
      const body = Buffer.from(rec.buffer, rec.byteOffset + replayHeaderBytes, rec.length - replayHeaderBytes);
      if (kind === ReplayKind.effects) {
        engine.applyEffectRecord(decodeEffectRecord(body));
      } else if (kind === ReplayKind.loaded) {
        engine.loading = false;
      } else {
        assert(kind === ReplayKind.reset, `unknown replay record kind ${kind}`);
        // The journal failed: nothing uncommitted may be shown, so every held reply
        // fails (its outcome is unknown), the keyspace goes, and the journal is reloaded.
        const reason = body.latin1Slice(0, body.length).replace(/[\r\n]/g, ' ');
        tracker!.failAll(out, `ERR write not confirmed durable (${reason}); its outcome is unknown`);
        // Blocked clients are unblocked with an error: served during the reload, they
        // would pop from a half-loaded keyspace and fork it from the journal.
        for (const id of engine.clients.keys()) engine.blocking.requestUnblock(id, true);
        // An open MULTI would run its queued writes on a half-loaded keyspace: EXECABORT.
        for (const client of engine.clients.values()) if (client.multi !== null) client.multiAborted = true;
        for (const db of engine.keyspace.dbs) db.flush();
        engine.loading = true;
        effects!.epoch++;
        engine.blocking.afterUnit(out);
      }
      replayRing.release();
    }
    return n > 0;
  };

  /** Emits the held replies the journal has committed since last time. */
  const releaseCommitted = (): void => {
    if (tracker === undefined) return;
    const committed = shared.load(SharedBig.committedSeq);
    if (committed > tracker.committedSeq) {
      if (trace !== undefined) {
        trace.setRange('release', tracker.committedSeq + 1, committed, trace.now());
        trace.setRange('replyRecord', tracker.committedSeq + 1, committed, replyRecordsPushed + 1);
      }
      tracker.release(committed, out);
    }
    if (tracker.heldCount !== heldStored) {
      heldStored = tracker.heldCount;
      shared.store(SharedBig.heldReplies, heldStored);
    }
  };

  const hasWork = (): boolean =>
    requests.usedBytes() > 0 ||
    (replayRing !== undefined && replayRing.usedBytes() > 0) ||
    (tracker !== undefined && shared.load(SharedBig.committedSeq) > tracker.committedSeq);

  const startReplyRecord = (): void => {
    out.reset();
    out.ensure(recordHeaderBytes);
    out.buf[0] = RecordKind.batch;
    out.length = recordHeaderBytes;
    tracker?.resetFrontier(out, recordHeaderBytes);
  };

  // Wake-ups are coalesced: while more requests are waiting, the io-mux is woken once
  // per notifyEveryRecords reply records, and always before the worker goes idle or
  // waits for space, so a lone batch (no pipelining) is answered at once and a busy
  // stream costs fewer wake-ups.
  let unnotified = 0;
  const notifyEveryRecords = 4;
  const notifyReplies = (): void => {
    if (unnotified === 0) return;
    unnotified = 0;
    replies.notify();
  };

  const pushRecord = (record: Uint8Array): void => {
    while (!replies.tryPush(record)) {
      // A full ring: the io-mux must be awake to drain it.
      unnotified = 0;
      replies.notify();
      replies.waitForSpace(record.length, engineIdleWaitMs);
    }
    if (trace !== undefined) {
      trace.set('replyPush', ++replyRecordsPushed, trace.now());
      trace.maybeFlush();
    }
  };

  const placeholder = new Uint8Array([RecordKind.jumbo]);

  /**
   * The busy pump, at busy onset: pushes the complete reply entries before the open one
   * (the busy script's), so that the pump's replies come after them. Returns the open
   * entry's client (the script's caller), or -1 if the prefix stays (no open entry, or
   * too large for one record: the pump then postpones everything).
   */
  const flushReplyPrefix = (): number => {
    // ReplyWriter keeps the open entry's offset private; read, never written, here.
    const entryStart = (out as unknown as { entryStart: number }).entryStart;
    if (typeof entryStart !== 'number' || entryStart < recordHeaderBytes) return -1;
    if (entryStart - replyStartAt > recordBytesMax) return -1;
    // The records of the commands before the script go to the writer now, not after the
    // script (they are pushed unpublished until a flush).
    effects?.notify();
    if (entryStart > replyStartAt + recordHeaderBytes) {
      out.buf[replyStartAt] = RecordKind.batch;
      pushRecord(out.buf.subarray(replyStartAt, entryStart));
      replies.notify();
      replyStartAt = entryStart - recordHeaderBytes;
    }
    return out.buf.readUInt32LE(entryStart + 1);
  };

  /** The busy pump's next request record (see BusyPumpHost.nextRecord). */
  const popForPump = (): Buffer | 'shutdown' | null => {
    if (requestHeld) {
      requestHeld = false;
      requests.release();
    }
    const record = requests.tryPop();
    if (record === null) return null;
    requestRecordIndex++;
    const kind = record[0];
    if (kind === RecordKind.batch) {
      requestHeld = true;
      return Buffer.from(record.buffer, record.byteOffset, record.length);
    }
    requests.release();
    if (kind === RecordKind.shutdown) return 'shutdown';
    assert(kind === RecordKind.jumbo, `unknown request record kind ${kind}`);
    return receiveJumbo();
  };

  const receiveJumbo = (): Buffer => {
    let msg = receiveMessageOnPort(port);
    // The message is posted before the placeholder is pushed; it is there already.
    while (msg === undefined) {
      Atomics.wait(counters, JumboCounter.repliesPosted, Atomics.load(counters, JumboCounter.repliesPosted), 1);
      msg = receiveMessageOnPort(port);
    }
    return fromJumboMessage(msg.message as JumboMessage);
  };

  /** Sends the reply batch in `out` (if it holds entries) and starts a new one. */
  const flushReplies = (): void => {
    effects?.notify(); // before the worker may park or wait: effects never sit unannounced
    tracker?.catchUp(out);
    const from = replyStartAt;
    replyStartAt = 0;
    if (out.length === from + recordHeaderBytes) {
      if (from !== 0) startReplyRecord();
      return;
    }
    out.buf[from] = RecordKind.batch;
    sendReplyRecord(out.buf.subarray(from, out.length));
    unnotified++;
    startReplyRecord();
  };

  /** Pushes a reply record, as a jumbo record if the ring cannot take it. */
  const sendReplyRecord = (bytes: Buffer): void => {
    if (bytes.length <= recordBytesMax) {
      pushRecord(bytes);
    } else {
      // Wait until the io-mux has taken enough earlier jumbos (bounded memory).
      for (;;) {
        const taken = Atomics.load(counters, JumboCounter.repliesTaken);
        if (Atomics.load(counters, JumboCounter.repliesPosted) - taken < jumboInFlightCountMax) break;
        replies.notify();
        Atomics.wait(counters, JumboCounter.repliesTaken, taken, engineIdleWaitMs);
      }
      const { message, transfer } = toJumboMessage(bytes);
      port.postMessage(message, transfer);
      Atomics.add(counters, JumboCounter.repliesPosted, 1);
      // The writer's buffer may have been handed over: give it a fresh one.
      if (transfer[0] === out.buf.buffer) {
        const resp = out.resp;
        out = new ReplyWriter();
        out.resp = resp;
      }
      pushRecord(placeholder);
      replies.notify(); // the io-mux must take it before the next jumbo can go
    }
  };

  const executeBatch = (record: Buffer): boolean => {
    if (shutdownRequested) return true;
    reader.reset(record);
    let prefetchLeft = 0;
    engine.beginTimedBatch();
    while (!reader.done && !shutdownRequested) {
      const kind = reader.u8();
      const clientId = reader.u32();
      switch (kind) {
        case RequestKind.command: {
          const argv = reader.argv();
          currentArgv = argv;
          // Every few commands, touch the next few keys' lookups together: their cache misses
          // overlap each other instead of each command waiting for its own (DenseDict.prefetchKeys,
          // a pipeline over the next three groups).
          if (--prefetchLeft <= 0) {
            const peeked = reader.peekKeys(prefetchKeysMax);
            if (peeked > 0) engine.prefetchKeys(reader.buf, reader.peekStarts, reader.peekLengths, peeked);
            prefetchLeft = Math.min(peeked, prefetchGroup);
          }
          engine.execute(clientId, argv, out);
          break;
        }
        case RequestKind.busyApplied: {
          // The io-mux's busy gate answered a command while a script was busy.
          const change = reader.u8();
          applyBusyChange(engine, clientId, change, reader.argv());
          break;
        }
        case RequestKind.open: {
          const addr = reader.latin1();
          const laddr = reader.latin1();
          engine.openClient(clientId, addr, laddr);
          break;
        }
        case RequestKind.close:
          engine.closeClient(clientId);
          tracker?.dropClient(clientId);
          break;
        case RequestKind.protocolError: {
          const text = reader.latin1();
          const start = out.length;
          out.beginEntry(EntryKind.reply, clientId);
          out.error(`ERR ${text}`);
          out.endEntry();
          out.beginEntry(EntryKind.close, clientId);
          out.endEntry();
          tracker?.afterEntries(out, start, clientId, 0); // behind the client's held replies
          break;
        }
        case RequestKind.sync: {
          const start = out.length;
          out.beginEntry(replyKindSynced, clientId);
          out.endEntry();
          tracker?.afterEntries(out, start, clientId, 0);
          break;
        }
        default:
          assert(false, `unknown request entry kind ${kind}`);
      }
      if (out.length >= flushBytes) {
        flushReplies();
        engine.beginTimedBatch(); // a wait for ring space is no command's time
      }
    }
    engine.endTimedBatch();
    return true;
  };

  startReplyRecord();
  let nextTickMs = performance.now();
  for (;;) {
    const replayed = drainReplay();
    releaseCommitted();
    const record = requests.tryPop();
    if (record !== null) {
      requestRecordIndex++;
      const kind = record[0];
      if (kind === RecordKind.shutdown) {
        requests.release();
        break;
      }
      if (kind === RecordKind.batch) {
        requestHeld = true;
        executeBatch(Buffer.from(record.buffer, record.byteOffset, record.length));
        if (requestHeld) {
          requestHeld = false;
          requests.release();
        }
      } else {
        assert(kind === RecordKind.jumbo, `unknown request record kind ${kind}`);
        requests.release();
        executeBatch(receiveJumbo());
      }
      currentArgv = null;
      // What the busy pump postponed runs now, before any later record (it may postpone more).
      if (pump !== undefined) {
        for (let p = pump.takePostponed(); p !== null; p = pump.takePostponed()) executeBatch(p);
        if (pump.shutdownSeen) break;
      }
      releaseCommitted();
      flushReplies();
      if (unnotified >= notifyEveryRecords) notifyReplies();
      if (performance.now() < nextTickMs) continue;
    } else if (replayed) {
      flushReplies();
      if (performance.now() < nextTickMs) continue;
    }
    flushReplies();
    notifyReplies();
    const now = performance.now();
    if (now >= nextTickMs) {
      // No timers while loading: active expiry would log deletions nobody may append yet.
      const waitMs = engine.loading ? engineIdleWaitMs : engine.tick(out);
      closeIdleClients(out);
      flushReplies();
      notifyReplies();
      nextTickMs = performance.now() + Math.max(1, Math.min(waitMs, engineIdleWaitMs));
      continue;
    }
    if (record === null && !replayed) shared.park(Math.max(1, Math.ceil(nextTickMs - now)), hasWork);
  }
  parentPort?.postMessage('stopped');
}

main(workerData as EngineWorkerData);
