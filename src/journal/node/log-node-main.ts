// The log-node process (`keeldb log-node`): one journal node. Main thread only: wires
// the LogNode (log-node.ts: Raft + journal semantics) to a SegmentLog on a RealDisk in
// --dir, the real clock, a TcpTransport to the peers, and a TCP server that accepts
// both peers' connections and clients' (the handshake says which).
//
// Peer ids: node ids are 1..3. `--peers` lists the other nodes either as `id=host:port`
// (explicit) or as plain `host:port` in ascending id order, skipping our own id (node 2
// with `--peers A,B` takes A as node 1 and B as node 3). Journal clients use the same
// convention: their node list is in id order.
//
// Output: one stderr line per event worth an operator's attention (start, recovery cut,
// role change, peer connection changes, fatal error) and, on stdout, one line
// `log-node <id> listening on <host>:<port>` once it accepts connections (tests and the
// benchmark wait for it). SIGTERM/SIGINT: stop answering, close sockets and files, exit 0.
// A fatal storage error exits 1: the node restarts, cuts what it must and catches up.

import { createServer, type Server, type Socket } from 'node:net';
import { randomInt } from 'node:crypto';
import { journalDiskInlineIdleMs, journalLeaderInlineWriteMsMax, journalSegmentPreallocateBytes } from '../../limits.js';
import { realClock, seededRandom, stderrLogger, type Logger } from '../env.js';
import { isClientRequest } from '../wire/codec.js';
import { WireRole } from '../wire/codes.js';
import { flushWireConnections, WireConnection } from '../wire/connection.js';
import { RealDisk } from '../storage/real-disk.js';
import { SegmentLog } from '../storage/segment-log.js';
import { LogNode } from './log-node.js';
import { hopMark, hopTraceOn, setHopTraceRole } from '../hop-trace.js';
import { TcpTransport, type PeerAddress } from './tcp-transport.js';
import { lowerProcessPriority } from '../../platform/cpu-priority.js';

export interface LogNodeMainOptions {
  readonly id: number;
  readonly port: number;
  readonly dir: string;
  readonly peers: readonly string[];
  readonly bind: string;
  readonly secret: string;
  /** Nice level for the whole process (src/platform/cpu-priority.ts), 0: unchanged. */
  readonly nice?: number;
}

/** How often the process checks the node's role (for the log line) and health. */
const statusPollMs = 50;

/** Parses --peers into ids and addresses (see the file comment); throws a clear error. */
export function parsePeers(selfId: number, peers: readonly string[]): PeerAddress[] {
  const out: PeerAddress[] = [];
  const explicit = peers.every((p) => /^\d+=/.test(p));
  const implicit = peers.every((p) => !/^\d+=/.test(p));
  if (!explicit && !implicit) throw new Error('--peers: use either id=host:port for every peer or host:port for every peer');
  let nextId = 1;
  for (const p of peers) {
    let id: number;
    let address = p;
    if (explicit) {
      const eq = p.indexOf('=');
      id = Number(p.slice(0, eq));
      address = p.slice(eq + 1);
    } else {
      if (nextId === selfId) nextId++;
      id = nextId++;
    }
    const colon = address.lastIndexOf(':');
    const host = address.slice(0, colon);
    const port = Number(address.slice(colon + 1));
    if (!Number.isInteger(id) || id < 1) throw new Error(`--peers: bad node id in '${p}'`);
    if (id === selfId) throw new Error(`--peers: '${p}' has this node's own id ${selfId}`);
    if (out.some((q) => q.id === id)) throw new Error(`--peers: node id ${id} listed twice`);
    if (host === '' || !Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--peers: '${p}' is not host:port`);
    out.push({ id, host, port });
  }
  return out;
}

export async function runLogNode(opts: LogNodeMainOptions): Promise<void> {
  const logger = prefixed(stderrLogger('info'), `[log-node ${opts.id}]`);
  // First, before the pool and the node start threads: they inherit the main thread's level.
  if (opts.nice !== undefined && opts.nice > 0) {
    const threads = lowerProcessPriority(opts.nice);
    logger.log('info', `CPU priority: nice ${opts.nice} (${threads} threads), below the server's on a shared host`);
  }
  if (hopTraceOn) setHopTraceRole(`node${opts.id}`);
  const peers = parsePeers(opts.id, opts.peers);
  if (peers.length === 0) throw new Error('--peers: at least one other node is needed');

  const disk = new RealDisk(opts.dir);
  await disk.ensureDir();
  const storage = new SegmentLog(disk, {
    defer: setImmediate,
    preallocateBytes: journalSegmentPreallocateBytes,
    inlineIdleMs: journalDiskInlineIdleMs,
    now: () => performance.now(),
    beforeBlocking: flushWireConnections,
    deferredInlineWriteMsMax: journalLeaderInlineWriteMsMax,
  });
  const transport = new TcpTransport(opts.id, peers, opts.secret, logger);
  const env = { clock: realClock(), random: seededRandom(randomInt(2 ** 31)), transport, logger };
  const node = new LogNode({ id: opts.id, peers: peers.map((p) => p.id), storage, env });

  const report = await node.start();
  if (report.truncatedBytes > 0 || report.truncatedReason !== undefined) {
    logger.log(
      'warn',
      `recovery: cut ${report.truncatedBytes} bytes from the log (${report.truncatedReason ?? 'torn tail'}); ` +
        `kept ${report.entryCount} entries, the rest will be re-replicated from the peers`,
    );
  } else {
    logger.log('info', `recovery: ${report.entryCount} entries verified`);
  }

  const connections = new Set<WireConnection>();
  const server: Server = createServer((socket: Socket) => {
    // One respond function per connection, not a closure per request (the hot path).
    const respond = (response: Parameters<typeof conn.send>[0]): void => {
      conn.send(response);
      if (hopTraceOn && response.kind === 'appendOk') {
        const lastId = response.lastId;
        conn.traceOnFlush((at) => hopMark('okSent', lastId, at));
      }
    };
    const conn: WireConnection = new WireConnection({
      socket,
      secret: opts.secret,
      side: 'server',
      onReady: (peer) => {
        if (peer.role === WireRole.peer) {
          if (!transport.acceptPeer(conn, peer.nodeId)) conn.close(`unknown peer id ${peer.nodeId}`);
        } else if (peer.role !== WireRole.client) {
          conn.close(`unknown role ${peer.role}`);
        }
      },
      onMessage: (message) => {
        if (conn.identity.role === WireRole.peer) return transport.deliver(conn, message);
        if (!isClientRequest(message)) return conn.close(`${message.kind} is not a client request`);
        node.handleClientRequest(message, respond);
      },
      onClose: (reason) => {
        connections.delete(conn);
        transport.forget(conn);
        if (reason && !reason.startsWith('socket error')) logger.log('warn', `closed a connection: ${reason}`);
      },
    });
    connections.add(conn);
  });
  server.on('error', (err) => {
    logger.log('error', `server error: ${err.message}`);
    process.exit(1);
  });
  await new Promise<void>((resolve) => server.listen(opts.port, opts.bind, resolve));
  const address = server.address() as { address: string; port: number };
  transport.start();

  let lastRole = '';
  const status = setInterval(() => {
    const role = `${node.role} in term ${node.term}` + (node.role === 'leader' ? '' : ` (leader ${node.leaderId || 'unknown'})`);
    if (role !== lastRole) {
      lastRole = role;
      logger.log('info', `role: ${role}, last id ${node.lastIndex}, committed ${node.commitIndex}`);
    }
    if (node.fatal !== undefined) {
      logger.log('error', 'stopping after a fatal error; a restart re-verifies the log and catches up from the peers');
      process.exit(1);
    }
  }, statusPollMs);

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    const syncs = node.leaderSyncStats;
    logger.log(
      'info',
      `${signal}: shutting down; as leader: own syncs ${syncs.eager} per append, ${syncs.lag} after a lag, ${syncs.period} periodic; ` +
        `${syncs.commitsOnFollowers} commits on the followers' copies alone; disk writes ${storage.writeStats.inline} inline, ${storage.writeStats.pooled} pooled`,
    );
    clearInterval(status);
    node.stop(true);
    transport.close();
    server.close();
    for (const c of connections) c.close();
    void storage.close().finally(() => {
      logger.log('info', 'closed');
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  process.stdout.write(`log-node ${opts.id} listening on ${address.address}:${address.port}\n`);
}

function prefixed(inner: Logger, prefix: string): Logger {
  return { log: (level, message) => inner.log(level, `${prefix} ${message}`) };
}
