// `keeldb server` (main thread of the server process): builds the two rings, the
// MessageChannel for jumbo records and the jumbo counters, starts the io-mux listening,
// then the command-engine worker (it needs the real port for CONFIG GET port / INFO),
// and prints the Redis-like ready line. SIGINT/SIGTERM close it cleanly.
//
// Invariants: the ready line is printed only once the socket listens and the worker
// runs; close() stops accepting, closes every client, stops the worker and resolves
// once the worker has exited; a worker crash ends the process (as a Redis crash would).

import { MessageChannel } from 'node:worker_threads';
import { IoMux } from '../io-mux/io-mux.js';
import { replyRingBytes, requestRingBytes } from '../limits.js';
import { SpscRing } from '../ring/spsc-ring.js';
import { spawnEngineWorker } from '../workers/spawn.js';
import { jumboCountersBytes } from '../workers/worker-data.js';

export interface ServerOptions {
  port: number;
  bind: string;
  requirepass?: string;
  journal: 'none';
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
  const ioMux = new IoMux({
    requestRing,
    replyRing,
    port: channel.port1,
    jumboCounters: new Int32Array(jumboSab),
    requirePass: opts.requirepass !== undefined && opts.requirepass !== '',
    maxClients: opts.maxClients,
    outputPauseBytes: opts.outputPauseBytes,
    outputBytesMax: opts.outputBytesMax,
  });
  log(`KeelDB: --journal ${opts.journal}: writes are NOT durable (cache mode); a restart loses all data.`);
  const port = await ioMux.listen(opts.port, opts.bind);

  const worker = spawnEngineWorker(
    {
      requestRing: requestRing.sab,
      replyRing: replyRing.sab,
      jumboCounters: jumboSab,
      port: channel.port2,
      engine: { port, bind: opts.bind, requirepass: opts.requirepass },
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

  const close = async (): Promise<void> => {
    if (closing) return exited;
    closing = true;
    await ioMux.close();
    const timer = setTimeout(() => void worker.terminate(), workerStopWaitMs);
    await exited;
    clearTimeout(timer);
    channel.port1.close();
  };

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
