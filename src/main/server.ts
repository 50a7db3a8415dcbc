// `keeldb server` (main thread of the server process): builds the two rings, the
// MessageChannel for jumbo records and the jumbo counters, starts the io-mux listening,
// then the command-engine worker (it needs the real port for CONFIG GET port / INFO),
// and prints the Redis-like ready line. SIGINT/SIGTERM close it cleanly.
//
// With --journal (the durable write path, src/durability): also the effects and replay
// rings and the durability shared state, and the journal-writer worker, which replays
// the journal into the engine (clients get -LOADING meanwhile, progress goes to stderr)
// and claims the leader token; the ready line waits for that. The io-mux's request-ring
// notifications also ring the durability doorbell, on which the engine parks.
//
// Invariants: the ready line is printed only once the socket listens, the worker runs
// and (with a journal) the journal is loaded; close() stops accepting, closes every
// client, stops the workers and resolves once the engine worker has exited; a worker
// crash ends the process (as a Redis crash would).

import { MessageChannel } from 'node:worker_threads';
import { IoMux } from '../io-mux/io-mux.js';
import type { Worker } from 'node:worker_threads';
import type { JournalWriterMessage } from '../durability/journal-writer.js';
import { DurabilityShared } from '../durability/shared-state.js';
import { LatencyTrace, latencyTraceOn } from '../durability/latency-trace.js';
import { effectsRingBytes, journalCommitTimeoutMs, replayRingBytes, replyRingBytes, requestRingBytes } from '../limits.js';
import { SpscRing } from '../ring/spsc-ring.js';
import { spawnEngineWorker, spawnJournalWriter } from '../workers/spawn.js';
import { jumboCountersBytes } from '../workers/worker-data.js';
import { ControlArea } from '../workers/control-area.js';
import { clientCountMax, protoBulkBytesMax, queryBufferBytesMax } from '../limits.js';

/** Where the journal is: its log nodes (node 1 first) and the cluster secret. */
export interface JournalOption {
  readonly nodes: readonly string[];
  readonly secret: string;
  /** Default journalCommitTimeoutMs. */
  readonly commitTimeoutMs?: number;
  /** The CPUs the journal-writer worker widens itself to (--server-cpulist auto, src/platform/cpu-affinity.ts); default: it keeps the mask it inherits. */
  readonly writerCpus?: readonly number[];
}

export interface ServerOptions {
  port: number;
  bind: string;
  requirepass?: string;
  /** 'none': not durable (cache use); else the journal's log nodes. */
  journal: 'none' | JournalOption;
  /** Install SIGINT/SIGTERM handlers (default true; in-process tests pass false). */
  handleSignals?: boolean;
  /** Where the start lines go (default console.log). */
  log?: (line: string) => void;
  /** maxclients (default clientCountMax); tests lower it. */
  maxClients?: number;
  /** Output backpressure thresholds (tests lower them); see IoMuxOptions. */
  outputPauseBytes?: number;
  outputBytesMax?: number;
  /** Ring sizes (default requestRingBytes / replyRingBytes); tests shrink them. */
  requestRingBytes?: number;
  replyRingBytes?: number;
  /**
   * After SHUTDOWN has closed everything (default: process.exit(0)); in-process tests
   * pass their own.
   */
  onShutdown?: () => void;
}

export interface RunningServer {
  port: number;
  /** The io-mux, for in-process tests that inspect connections. */
  ioMux: IoMux;
  close(): Promise<void>;
}

/** How long close() waits for the worker to leave its loop before terminating it. */
const workerStopWaitMs = 2000;

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const requestRing = SpscRing.create(opts.requestRingBytes ?? requestRingBytes);
  const replyRing = SpscRing.create(opts.replyRingBytes ?? replyRingBytes);
  const jumboSab = new SharedArrayBuffer(jumboCountersBytes);
  const channel = new MessageChannel();
  // The control area (busy scripts, config the io-mux enforces): the engine republishes
  // the config values after each CONFIG SET.
  const control = ControlArea.create({ maxClients: opts.maxClients ?? clientCountMax, protoMaxBulkLen: protoBulkBytesMax, queryBufferBytesMax });
  /** SHUTDOWN (from the engine, or from the io-mux while a script is busy); set below. */
  let requestShutdown = (_engineBusy: boolean): void => undefined;
  const ioMux = new IoMux({
    control,
    onShutdownRequest: () => requestShutdown(true),
    requestRing,
    replyRing,
    port: channel.port1,
    jumboCounters: new Int32Array(jumboSab),
    requirePass: opts.requirepass !== undefined && opts.requirepass !== '',
    maxClients: opts.maxClients,
    outputPauseBytes: opts.outputPauseBytes,
    outputBytesMax: opts.outputBytesMax,
  });
  const shared = DurabilityShared.create();
  // The engine parks on the durability doorbell: a request must ring it too.
  const ringNotify = requestRing.notify.bind(requestRing);
  requestRing.notify = (): void => {
    ringNotify();
    shared.ring();
  };
  if (latencyTraceOn) traceRings(requestRing, replyRing);
  const journal = opts.journal === 'none' ? undefined : opts.journal;
  const effectsRing = journal === undefined ? undefined : SpscRing.create(effectsRingBytes);
  const replayRing = journal === undefined ? undefined : SpscRing.create(replayRingBytes);
  if (journal === undefined) {
    log('KeelDB: --journal none: writes are NOT durable (cache mode); a restart loses all data.');
  } else {
    log(`KeelDB: --journal ${journal.nodes.join(',')}: a write is acknowledged once it is on disk on 2 of 3 log nodes.`);
  }
  const port = await ioMux.listen(opts.port, opts.bind);

  const worker = spawnEngineWorker(
    {
      requestRing: requestRing.sab,
      replyRing: replyRing.sab,
      jumboCounters: jumboSab,
      port: channel.port2,
      engine: { port, bind: opts.bind, requirepass: opts.requirepass },
      durability: shared.sab,
      control: control.sab,
      journal: effectsRing === undefined || replayRing === undefined ? undefined : { effectsRing: effectsRing.sab, replayRing: replayRing.sab },
    },
    [channel.port2],
  );
  let closing = false;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.on('error', (err) => {
    console.error(`KeelDB: the engine worker failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  });
  worker.once('exit', (code) => {
    if (!closing) {
      console.error(`KeelDB: the engine worker exited unexpectedly (code ${code})`);
      process.exit(1);
    }
  });
  await new Promise<void>((resolve, reject) => {
    worker.once('online', () => resolve());
    worker.once('error', reject);
  });

  let writer: Worker | undefined;
  if (journal !== undefined && effectsRing !== undefined && replayRing !== undefined) {
    // wakePipe: the engine wakes the writer with one byte on a socket the writer's event
    // loop polls, not an Atomics.notify of a waitAsync (journal-writer.ts says why). The
    // pipe's fds close with the writer, so the writer is stopped after the engine (below).
    const w = spawnJournalWriter({ effectsRing: effectsRing.sab, replayRing: replayRing.sab, durability: shared.sab, nodes: journal.nodes, secret: journal.secret, commitTimeoutMs: journal.commitTimeoutMs ?? journalCommitTimeoutMs, cpus: journal.writerCpus, wakePipe: true });
    writer = w;
    w.on('error', (err) => {
      console.error(`KeelDB: the journal writer failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      process.exit(1);
    });
    w.once('exit', (code) => {
      if (!closing) {
        console.error(`KeelDB: the journal writer exited unexpectedly (code ${code})`);
        process.exit(1);
      }
    });
    await new Promise<void>((resolve) => {
      w.on('message', (m: JournalWriterMessage) => {
        if (m.kind === 'log') {
          console.error(m.line);
        } else if (m.kind === 'ready') {
          if (m.reload) console.error(`KeelDB: reloaded ${m.records} records from the journal; serving again (leader token ${m.token})`);
          else console.error(`KeelDB: journal loaded (${m.records} records); leader token ${m.token}`);
          resolve();
        }
      });
    });
  }

  /** `engineBusy`: the engine runs a script and will not read the shutdown record: stop it now. */
  const closeWith = async (engineBusy: boolean): Promise<void> => {
    if (closing) return exited;
    closing = true;
    await ioMux.close();
    if (engineBusy) void worker.terminate();
    const timer = setTimeout(() => void worker.terminate(), workerStopWaitMs);
    await exited;
    clearTimeout(timer);
    // Only now: the engine may write to the writer's wake pipe until it has exited, and a
    // write to a closed (or reused) fd must never happen.
    if (writer !== undefined) await writer.terminate();
    channel.port1.close();
  };
  const close = (): Promise<void> => closeWith(false);

  // SHUTDOWN: no reply; stop accepting, close every client, stop the workers, exit 0.
  let shuttingDown = false;
  requestShutdown = (engineBusy: boolean): void => {
    if (shuttingDown) return;
    shuttingDown = true;
    console.error('KeelDB: SHUTDOWN: closing clients, stopping the workers, exiting.');
    void closeWith(engineBusy).then(() => {
      if (opts.onShutdown !== undefined) opts.onShutdown();
      else process.exit(0);
    });
  };
  worker.on('message', (m: unknown) => {
    if (typeof m === 'object' && m !== null && (m as { kind?: unknown }).kind === 'shutdown') requestShutdown(false);
  });

  if (opts.handleSignals !== false) {
    const onSignal = (): void => {
      void close().then(() => process.exit(0));
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  log(`KeelDB ready. Ready to accept connections tcp on ${opts.bind}:${port} (port ${port})`);
  return { port, ioMux, close };
}

/**
 * Bench-only (KEELDB_LATENCY_TRACE, latency-trace.ts): stamps when the io-mux pushes each
 * request record and when it is done writing each reply record (release() follows the
 * socket writes of a batch record), numbered from 1 as the engine numbers them.
 */
function traceRings(requestRing: SpscRing, replyRing: SpscRing): void {
  const trace = new LatencyTrace('main', ['reqPush', 'replyWritten']);
  let pushed = 0;
  let written = 0;
  const tryPush = requestRing.tryPush.bind(requestRing);
  requestRing.tryPush = (record: Uint8Array): boolean => {
    const ok = tryPush(record);
    if (ok) trace.set('reqPush', ++pushed, trace.now());
    return ok;
  };
  const release = replyRing.release.bind(replyRing);
  replyRing.release = (): void => {
    release();
    trace.set('replyWritten', ++written, trace.now());
  };
  setInterval(() => trace.maybeFlush(), 1000).unref();
  process.once('exit', () => trace.flush());
}
