// TcpTransport: the real Transport (src/journal/env.ts) of a log-node process, over
// authenticated WireConnections (src/journal/wire). Main thread of the log-node process.
//
// Each node DIALS every peer and sends its messages to that peer only on that
// outgoing connection; it receives each peer's messages on the connection that peer
// dialed (accepted by the node's server, see log-node-main.ts, which hands it to
// acceptPeer). So a reply to a message travels on the other connection: the two
// directions are independent, as Raft's best-effort delivery allows.
// Delivery is best effort: a message to a peer that is not connected (or whose
// socket has too much unsent data) is dropped; Raft retries. Dialing retries with
// exponential backoff, forever, until close().

import { connect } from 'node:net';
import type { Logger, Transport } from '../env.js';
import type { NodeId, PeerMessage } from '../messages.js';
import { encodeAppendEntriesParts, encodeMessage, isPeerMessage } from '../wire/codec.js';
import { WireRole } from '../wire/codes.js';
import { WireConnection } from '../wire/connection.js';
import { hopMark, hopTraceOn } from '../hop-trace.js';

/** Dial retry: first delay and cap (ms). A restarted peer is found within the cap. */
const redialMinMs = 50;
const redialMaxMs = 1000;
/** Drop messages to a peer while this much is unsent to it: a slow peer must not grow our memory. */
const peerUnsentBytesMax = 256 * 1024 * 1024;

export interface PeerAddress {
  readonly id: NodeId;
  readonly host: string;
  readonly port: number;
}

interface Outgoing {
  readonly peer: PeerAddress;
  conn: WireConnection | undefined;
  delayMs: number;
  timer: NodeJS.Timeout | undefined;
  /** The current connection finished its handshake (so its loss is worth a log line). */
  ready: boolean;
}

export class TcpTransport implements Transport {
  private handler: ((from: NodeId, message: PeerMessage) => void) | undefined;
  private readonly outgoing = new Map<NodeId, Outgoing>();
  private readonly incoming = new Set<WireConnection>();
  private closed = false;
  /**
   * The last message encoded and its frame: Raft hands both followers the same
   * AppendEntries object when their batches are identical (raft.ts, lastBatch), and it
   * is encoded once. Frames are never modified once encoded, so sharing one is safe.
   * An AppendEntries is encoded as parts (codec.ts encodeAppendEntriesParts): its big
   * payloads are sent from the entries' own bytes.
   */
  private lastMessage: PeerMessage | undefined;
  private lastFrame: Buffer | Buffer[] | undefined;

  constructor(
    private readonly selfId: NodeId,
    peers: readonly PeerAddress[],
    private readonly secret: string,
    private readonly logger: Logger,
  ) {
    for (const peer of peers) this.outgoing.set(peer.id, { peer, conn: undefined, delayMs: redialMinMs, timer: undefined, ready: false });
  }

  /** Starts dialing every peer. */
  start(): void {
    for (const o of this.outgoing.values()) this.dial(o);
  }

  send(to: NodeId, message: PeerMessage): void {
    const o = this.outgoing.get(to);
    const conn = o?.conn;
    if (!conn || !conn.isReady || conn.pendingWriteBytes > peerUnsentBytesMax) return;
    if (message !== this.lastMessage || this.lastFrame === undefined) {
      this.lastFrame = message.kind === 'appendEntries' ? encodeAppendEntriesParts(message) : encodeMessage(message);
      this.lastMessage = message;
    }
    conn.sendFrame(this.lastFrame);
    if (hopTraceOn) traceSend(conn, to, message);
  }

  onMessage(handler: (from: NodeId, message: PeerMessage) => void): void {
    this.handler = handler;
  }

  /**
   * Adopts an accepted connection whose handshake said it is peer `from`. Only peer
   * messages are accepted on it; anything else closes it.
   */
  acceptPeer(conn: WireConnection, from: NodeId): boolean {
    if (!this.outgoing.has(from) || from === this.selfId) return false;
    this.incoming.add(conn);
    return true;
  }

  /** Routes a message that arrived on an accepted peer connection. */
  deliver(conn: WireConnection, message: Parameters<typeof isPeerMessage>[0]): void {
    if (!isPeerMessage(message)) {
      conn.close(`${message.kind} on a peer connection`);
      return;
    }
    this.handler?.(conn.identity.nodeId, message);
  }

  forget(conn: WireConnection): void {
    this.incoming.delete(conn);
  }

  close(): void {
    this.closed = true;
    for (const o of this.outgoing.values()) {
      if (o.timer) clearTimeout(o.timer);
      o.conn?.close();
    }
    for (const c of this.incoming) c.close();
    this.incoming.clear();
  }

  private dial(o: Outgoing): void {
    if (this.closed) return;
    o.timer = undefined;
    const socket = connect(o.peer.port, o.peer.host);
    const conn = new WireConnection({
      socket,
      secret: this.secret,
      side: 'client',
      identity: { role: WireRole.peer, nodeId: this.selfId },
      onReady: () => {
        o.delayMs = redialMinMs;
        o.ready = true;
        this.logger.log('info', `connected to peer ${o.peer.id} at ${o.peer.host}:${o.peer.port}`);
      },
      // Peers never answer on our outgoing connection: their replies come on theirs.
      onMessage: (m) => conn.close(`unexpected ${m.kind} on an outgoing peer connection`),
      onClose: (reason) => {
        if (o.conn === conn) o.conn = undefined;
        if (o.ready) this.logger.log('info', `peer ${o.peer.id} disconnected${reason ? ` (${reason})` : ''}`);
        else if (reason && !reason.startsWith('socket error')) this.logger.log('warn', `peer ${o.peer.id} connection refused: ${reason}`);
        o.ready = false;
        if (this.closed) return;
        o.timer = setTimeout(() => this.dial(o), o.delayMs);
        o.delayMs = Math.min(o.delayMs * 2, redialMaxMs);
      },
    });
    o.conn = conn;
  }
}

/** Hop trace (hop-trace.ts): when a batch or a success answer leaves, by its last index. */
function traceSend(conn: WireConnection, to: NodeId, message: PeerMessage): void {
  if (message.kind === 'appendEntries' && message.entries.length > 0) {
    const last = message.prevLogIndex + message.entries.length;
    conn.traceOnFlush((at) => hopMark(`aeSent${to}`, last, at));
  } else if (message.kind === 'appendEntriesResponse' && message.success) {
    const match = message.matchIndex;
    conn.traceOnFlush((at) => hopMark('ackSent', match, at));
  }
}
