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
// Invariants: one reply record per request record, except that a reply batch is pushed
// early when it passes batchBytesMax (bounding each hop) and tick output goes in records
// of its own; the reply writer has no open entry between commands; the worker never
// drops a reply: a full reply ring is waited out (waitForSpace), never skipped.

import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { assert } from '../assert.js';
import { Engine } from '../engine/engine.js';
import { EntryKind, ReplyWriter } from '../engine/reply.js';
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

  const startReplyRecord = (): void => {
    out.reset();
    out.ensure(recordHeaderBytes);
    out.buf[0] = RecordKind.batch;
    out.length = recordHeaderBytes;
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
  };

  const placeholder = new Uint8Array([RecordKind.jumbo]);

  /** Sends the reply batch in `out` (if it holds entries) and starts a new one. */
  const flushReplies = (): void => {
    if (out.length === recordHeaderBytes) return;
    if (out.length <= recordBytesMax) {
      pushRecord(out.buf.subarray(0, out.length));
    } else {
      // Wait until the io-mux has taken enough earlier jumbos (bounded memory).
      for (;;) {
        const taken = Atomics.load(counters, JumboCounter.repliesTaken);
        if (Atomics.load(counters, JumboCounter.repliesPosted) - taken < jumboInFlightCountMax) break;
        replies.notify();
        Atomics.wait(counters, JumboCounter.repliesTaken, taken, engineIdleWaitMs);
      }
      const bytes = out.buf.subarray(0, out.length);
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
    unnotified++;
    startReplyRecord();
  };

  const executeBatch = (record: Buffer): boolean => {
    reader.reset(record);
    while (!reader.done) {
      const kind = reader.u8();
      const clientId = reader.u32();
      switch (kind) {
        case RequestKind.command: {
          const argc = reader.u32();
          // A fresh array per command: the engine may keep it (its Buffers it copies).
          const argv = new Array<Buffer>(argc);
          for (let i = 0; i < argc; i++) argv[i] = reader.bytes(reader.u32());
          engine.execute(clientId, argv, out);
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
          break;
        case RequestKind.protocolError: {
          const text = reader.latin1();
          out.beginEntry(EntryKind.reply, clientId);
          out.error(`ERR ${text}`);
          out.endEntry();
          out.beginEntry(EntryKind.close, clientId);
          out.endEntry();
          break;
        }
        case RequestKind.sync:
          out.beginEntry(replyKindSynced, clientId);
          out.endEntry();
          break;
        default:
          assert(false, `unknown request entry kind ${kind}`);
      }
      if (out.length >= flushBytes) flushReplies();
    }
    return true;
  };

  startReplyRecord();
  let nextTickMs = performance.now();
  for (;;) {
    const record = requests.tryPop();
    if (record !== null) {
      const kind = record[0];
      if (kind === RecordKind.shutdown) {
        requests.release();
        break;
      }
      if (kind === RecordKind.batch) {
        executeBatch(Buffer.from(record.buffer, record.byteOffset, record.length));
        requests.release();
      } else {
        assert(kind === RecordKind.jumbo, `unknown request record kind ${kind}`);
        requests.release();
        let msg = receiveMessageOnPort(port);
        // The message is posted before the placeholder is pushed; it is there already.
        while (msg === undefined) {
          Atomics.wait(counters, JumboCounter.repliesPosted, Atomics.load(counters, JumboCounter.repliesPosted), 1);
          msg = receiveMessageOnPort(port);
        }
        executeBatch(fromJumboMessage(msg.message as JumboMessage));
      }
      flushReplies();
      if (unnotified >= notifyEveryRecords) notifyReplies();
      if (performance.now() < nextTickMs) continue;
    }
    notifyReplies();
    const now = performance.now();
    if (now >= nextTickMs) {
      const waitMs = engine.tick(out);
      flushReplies();
      notifyReplies();
      nextTickMs = performance.now() + Math.max(1, Math.min(waitMs, engineIdleWaitMs));
      continue;
    }
    if (record === null) requests.waitForData(Math.max(1, Math.ceil(nextTickMs - now)));
  }
  parentPort?.postMessage('stopped');
}

main(workerData as EngineWorkerData);
