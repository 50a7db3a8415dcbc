// A fault-injecting TCP proxy (test tooling; runs on the main thread of the torture
// harness or of a test). One proxy stands in front of one log node: the server is
// given the proxy's address instead of the node's, so every byte between the server's
// journal client and that node passes here, and the harness can break the link:
//
//   pass         bytes flow both ways (after `delayMs`, if set)
//   drop         the connection stays open but every byte is silently discarded, both
//                ways: a black hole, what a partition looks like to TCP (timeouts, not
//                resets)
//   cut          every open connection is reset and new ones are closed at once: a
//                crashed host or a firewall sending RSTs
//   oneway-up    bytes from the server to the log node vanish; replies still flow
//   oneway-down  bytes from the log node to the server vanish; requests still arrive
//
// Delay applies to both directions on top of any mode and keeps each direction's byte
// order (a chunk is written no earlier than the one before it).
//
// Invariants: the proxy listens on 127.0.0.1 only; each accepted connection has exactly
// one upstream connection and both die together; after close() resolves no socket of
// this proxy is open.

import net from 'node:net';

export type ProxyMode = 'pass' | 'drop' | 'cut' | 'oneway-up' | 'oneway-down';

interface Link {
  readonly down: net.Socket; // the server's side
  readonly up: net.Socket; // the log node's side
  upReadyMs: number; // when the last delayed chunk toward the node is due
  downReadyMs: number;
}

export class FaultProxy {
  private server: net.Server | null = null;
  private readonly links = new Set<Link>();
  private modeNow: ProxyMode = 'pass';
  private delayNowMs = 0;
  private listenPort = 0;
  private dropped = 0;

  constructor(
    private readonly targetPort: number,
    private readonly targetHost = '127.0.0.1',
  ) {}

  get port(): number {
    return this.listenPort;
  }

  get mode(): ProxyMode {
    return this.modeNow;
  }

  get delayMs(): number {
    return this.delayNowMs;
  }

  /** Bytes discarded so far by drop and one-way modes (tests wait on it). */
  get droppedBytes(): number {
    return this.dropped;
  }

  get connectionCount(): number {
    return this.links.size;
  }

  /** Listens on 127.0.0.1:port (0: any free port) and resolves with the port. */
  async start(port = 0): Promise<number> {
    const server = net.createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.listenPort = (server.address() as net.AddressInfo).port;
    return this.listenPort;
  }

  setMode(mode: ProxyMode): void {
    this.modeNow = mode;
    if (mode === 'cut') for (const link of [...this.links]) this.kill(link);
  }

  setDelayMs(ms: number): void {
    this.delayNowMs = Math.max(0, ms);
  }

  /** Back to pass with no delay. */
  heal(): void {
    this.setMode('pass');
    this.setDelayMs(0);
  }

  async close(): Promise<void> {
    for (const link of [...this.links]) this.kill(link);
    const server = this.server;
    this.server = null;
    if (server !== null) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(down: net.Socket): void {
    if (this.modeNow === 'cut') {
      down.on('error', () => undefined);
      down.resetAndDestroy();
      return;
    }
    const up = net.connect(this.targetPort, this.targetHost);
    const link: Link = { down, up, upReadyMs: 0, downReadyMs: 0 };
    this.links.add(link);
    down.setNoDelay(true);
    up.setNoDelay(true);
    const end = (): void => this.kill(link);
    down.on('error', end);
    up.on('error', end);
    down.on('close', end);
    up.on('close', end);
    down.on('data', (chunk: Buffer) => this.forward(link, chunk, true));
    up.on('data', (chunk: Buffer) => this.forward(link, chunk, false));
  }

  private forward(link: Link, chunk: Buffer, toNode: boolean): void {
    const mode = this.modeNow;
    if (mode === 'drop' || mode === 'cut' || (toNode && mode === 'oneway-up') || (!toNode && mode === 'oneway-down')) {
      this.dropped += chunk.length;
      return;
    }
    const target = toNode ? link.up : link.down;
    const delay = this.delayNowMs;
    const nowMs = performance.now();
    const lastDue = toNode ? link.upReadyMs : link.downReadyMs;
    if (delay === 0 && lastDue <= nowMs) {
      if (!target.destroyed) target.write(chunk);
      return;
    }
    // Never overtake an earlier delayed chunk of the same direction.
    const due = Math.max(nowMs + delay, lastDue);
    if (toNode) link.upReadyMs = due;
    else link.downReadyMs = due;
    setTimeout(() => {
      if (!target.destroyed) target.write(chunk);
    }, due - nowMs).unref();
  }

  private kill(link: Link): void {
    if (!this.links.delete(link)) return;
    // A reset, not a FIN: the peer sees a broken connection as after a crash.
    if (!link.down.destroyed) link.down.resetAndDestroy();
    if (!link.up.destroyed) link.up.resetAndDestroy();
  }
}
