// A connected pair of Unix stream sockets that wakes the main thread's event loop for
// a ring's consumer (main thread): a producer on another thread (the engine worker)
// writes one byte to `writeFd` with a plain write(2) (SpscRing.notify, when the
// consumer flagged that it sleeps), and the main thread's read callback runs as any
// socket read does. It replaces Atomics.waitAsync for the io-mux's reply wake, which
// costs more at both ends: every wait is a new promise registered under V8's one
// process-wide futex mutex (the engine's Atomics.wait/notify take it too), and every
// wake is a task V8 posts through Node's platform (a mutex, uv_async_send, then on the
// main thread the foreground-task flush, the promise resolution and a microtask
// checkpoint). Measured in a ping-pong microbenchmark (bench/ring/wake.bench.ts): about
// 4 µs less CPU per wake, summed over both threads.
//
// The reading end is a client socket with Node's public `onread` option: one small
// buffer, reused, and the callback called straight from the read, no stream machinery
// or Buffer per read. The writing end is the accepted socket: Node never reads or writes
// it (paused, and nothing is sent its way); only its fd is used, by the producer thread
// (file descriptors are the process's, shared by its threads). libuv opened it
// non-blocking, so a write that finds the socket buffer full fails with EAGAIN, which
// means unread wake bytes are waiting anyway (spsc-ring.ts ignores it).
//
// Lifetime: the producer may write to `writeFd` until it has stopped, so close() must
// run only after that (the io-mux closes it when its MessagePort to the engine worker
// closes: the worker exited or the server closed the channel after it did). A closed
// fd's number is reused by the next socket or file the process opens: a late write would
// land there. Both sockets are unref'd: a wake pipe never keeps the process alive.
//
// open() resolves undefined where this cannot be built (not Linux: the socket's name is
// in Linux's abstract namespace, so nothing is left in the file system; or Node keeps
// the fd elsewhere): the caller keeps Atomics.waitAsync.

import net from 'node:net';

/** Bytes one read of the wake socket takes: wake bytes are coalesced, any count is one wake. */
const wakeReadBytes = 64;

let pipesOpened = 0;

function fdOf(socket: net.Socket): number | undefined {
  const fd = (socket as unknown as { _handle?: { fd?: unknown } | null })._handle?.fd;
  return typeof fd === 'number' && fd > 2 ? fd : undefined;
}

export class WakePipe {
  private closed = false;

  private constructor(
    /** The producer thread writes a byte here to wake the consumer. */
    readonly writeFd: number,
    private readonly reader: net.Socket,
    private readonly writer: net.Socket,
  ) {}

  /**
   * Builds the pair; `onWake` runs on the main thread for every read of the reading end
   * (one or more wake bytes). Undefined where it cannot be built (see the file comment).
   */
  static async open(onWake: () => void): Promise<WakePipe | undefined> {
    if (process.platform !== 'linux') return undefined;
    const name = `\0keeldb-wake-${process.pid}-${++pipesOpened}-${process.hrtime.bigint()}`;
    const server = net.createServer({ pauseOnConnect: true });
    let reader: net.Socket | undefined;
    let writer: net.Socket | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(name, () => resolve());
      });
      const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
      const buffer = Buffer.allocUnsafe(wakeReadBytes);
      const callback = (): boolean => {
        onWake();
        return true; // false would pause the socket
      };
      reader = net.connect({ path: name, onread: { buffer, callback } });
      reader.on('error', () => {
        // Only a closed pipe errs (nothing else happens on a local socket): close() follows.
      });
      await new Promise<void>((resolve, reject) => {
        reader!.once('connect', resolve);
        reader!.once('error', reject);
      });
      writer = await accepted;
      writer.on('error', () => {});
      const writeFd = fdOf(writer);
      if (writeFd === undefined) throw new Error('no fd on the accepted socket');
      reader.unref();
      writer.unref();
      return new WakePipe(writeFd, reader, writer);
    } catch {
      reader?.destroy();
      writer?.destroy();
      return undefined;
    } finally {
      server.close();
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Only once the producer has stopped writing (see the file comment). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.writer.destroy();
    this.reader.destroy();
  }
}
