// JournalClient: the journal's client library (the database's journal writers, the
// benchmark, tests). Main thread of whatever process uses it; one TCP connection per
// log node, opened lazily, authenticated with the cluster secret.
//
// Guarantees:
// - an append resolves only with the ids the log leader acknowledged (committed: on
//   disk on a majority); it is never reported successful otherwise;
// - every attempt of one append carries the same (writerId, writerSeq), so a retry on
//   another node after a lost connection or a leader change is deduplicated by the
//   log and never applied twice;
// - an append rejects with a JournalError: definitive codes (tailMismatch, fenced,
//   badRequest) at once; otherwise it retries until timeoutMs and then rejects with
//   code 'timeout', whose outcome is UNKNOWN (the append may have happened);
// - many calls may be in flight at once (pipelining): requests are tagged with ids and
//   written back to back; responses may come in any order;
// - appends land in the log in call order per writer: the log node accepts a writer's
//   token append only right after that writer's latest append in the log (retries after
//   a leader change wait for their predecessors); so an append abandoned on 'timeout'
//   would hold back every later one, and the client then goes on as a NEW writer (a
//   fresh writerId, writerSeq from 1). Appends already in flight keep their ids.
// Node ids: `nodes[i]` is log node i + 1 (the log-node --peers convention), so a
// notLeader hint maps to an address.
//
// Connections are shared: every JournalClient of a process that talks to the same node
// with the same secret uses ONE connection to it (a Link, reference-counted), with one
// requestId space. Requests written in one event-loop turn by many clients then leave
// in one corked writev, and the node answers them in one too: on loopback each socket
// write costs tens of microseconds of kernel time on both sides, which dominated the
// log leader's CPU with one connection per client (64 clients, 64 syscalls a turn).
// A lost connection fails every request on it with ConnectionLost: each retries.
// Attempt timeouts are deadlines kept in the requests and checked by ONE timer per link,
// armed at the earliest deadline, not a timer per request (at tens of thousands of
// appends a second, arming and cancelling a timer each was a visible part of the
// client's CPU), nor a sweep every few milliseconds (each is a wake-up of the thread,
// for nothing while every request is answered in time). Answers do not touch the
// timer: when it fires it fails what is overdue and re-arms at the earliest deadline left.
//
// appendThen() is append() with a callback: on the usual path (the presumed leader
// answers appendOk) the callback runs straight from the socket read that carried the
// answer, with no promise or async frame in between; any other outcome continues in the
// same retry loop as append(). The journal writer uses it: its ack then reaches the
// engine within the read's callback, and an append costs its thread no microtask hops.
// appendInPlaceThen() is appendThen() of one record whose first attempt's frame is
// written in front of the payload, in the caller's buffer (append-frame.ts): the
// journal writer's groups go to the socket without another copy.

import { connect } from 'node:net';
import { randomInt } from 'node:crypto';
import { assert } from '../../assert.js';
import { journalBatchBytesMax, journalClientTimeoutMs } from '../../limits.js';
import type { AppendCondition, AppendRecord, ClientRequest, ClientResponse, JournalError } from '../messages.js';
import type { LogEntry } from '../storage/types.js';
import { isClientResponse } from '../wire/codec.js';
import { WireRole } from '../wire/codes.js';
import { WireConnection } from '../wire/connection.js';
import { hopMark, hopReadAtUs, hopTraceOn, setHopTraceRole } from '../hop-trace.js';
import { writeAppendFrame, type InPlaceAppend } from './append-frame.js';

if (hopTraceOn) setHopTraceRole('client');

export interface JournalClientOptions {
  /** host:port of log nodes 1, 2, 3 (in id order). */
  readonly nodes: readonly string[];
  readonly secret: string;
  /** This writer's id (a database process incarnation); random when absent. */
  readonly writerId?: number;
  /** How long an append/tail/trim keeps retrying before failing (default journalClientTimeoutMs). */
  readonly timeoutMs?: number;
}

export type JournalClientErrorCode = JournalError['code'] | 'timeout' | 'closed';

/** A failed journal call. `detail` carries tailId / currentToken / firstId where relevant. */
export class JournalClientError extends Error {
  override name = 'JournalClientError';
  constructor(
    readonly code: JournalClientErrorCode,
    message: string,
    readonly detail?: number,
  ) {
    super(message);
  }
}

export interface AppendResult {
  readonly firstId: number;
  readonly lastId: number;
}

/** appendThen's callback: `failure` (a JournalClientError, as append() rejects) or the result. */
export type AppendDone = (failure: Error | undefined, result: AppendResult | undefined) => void;

/** toLeaderThen's callback: the failure toLeader would reject with, or the response. */
type Answer = (failure: Error | undefined, response: ClientResponse | undefined) => void;

/** One attempt's outcome, for the retry loop to judge (toLeader). */
interface Outcome {
  readonly node: number;
  readonly response?: ClientResponse;
  readonly failure?: unknown;
}

/**
 * Calls a callback from inside a socket callback: what it throws must not be taken for
 * the connection's failure (WireConnection drops a connection whose handler throws), so
 * it is thrown again outside, as an uncaught exception, as a throwing promise reaction
 * would have been an unhandled rejection.
 */
function callOutside(done: Answer, response: ClientResponse): void {
  try {
    done(undefined, response);
  } catch (err) {
    queueMicrotask(() => {
      throw err;
    });
  }
}

interface Pending {
  readonly owner: JournalClient;
  /** performance.now() after which the attempt fails with ConnectionLost. */
  readonly deadline: number;
  readonly timeoutMs: number;
  /** Hop trace only: when the request was handed to the socket (hop-trace.ts). */
  sentAtUs?: number;
  resolve(response: ClientResponse): void;
  reject(error: Error): void;
}

/** One shared connection to one log node (see the file comment). */
interface Link {
  readonly key: string;
  readonly conn: WireConnection;
  /** Requests in flight on this connection, by requestId (any client's). */
  readonly pending: Map<number, Pending>;
  nextRequestId: number;
  /** Clients holding this link. */
  users: number;
  /** The deadline timer (see the file comment), armed for deadlineAt; undefined when none is. */
  deadlineTimer: NodeJS.Timeout | undefined;
  /** performance.now() at which deadlineTimer fires. */
  deadlineAt: number;
}

/** Arms the link's timer for `deadline` unless it fires by then anyway. */
function watchDeadline(link: Link, deadline: number): void {
  if (link.deadlineTimer !== undefined) {
    if (link.deadlineAt <= deadline) return;
    clearTimeout(link.deadlineTimer);
  }
  link.deadlineAt = deadline;
  link.deadlineTimer = setTimeout(onDeadline, Math.max(1, deadline - performance.now()), link);
  link.deadlineTimer.unref(); // in-flight requests keep their socket, and so the process, alive
}

/** The deadline timer fired: fails the overdue requests, re-arms for the earliest one left. */
function onDeadline(link: Link): void {
  link.deadlineTimer = undefined;
  const now = performance.now();
  let earliest = Infinity;
  for (const [id, p] of link.pending) {
    if (p.deadline > now) {
      earliest = Math.min(earliest, p.deadline);
      continue;
    }
    link.pending.delete(id);
    p.reject(new ConnectionLost(`no answer within ${Math.round(p.timeoutMs)} ms`));
  }
  if (earliest !== Infinity && !link.conn.isClosed) watchDeadline(link, earliest);
}

/** Open links of this process by node address and secret. */
const links = new Map<string, Link>();

function acquireLink(host: string, port: number, secret: string): Link {
  const key = `${host}:${port}\0${secret}`;
  const existing = links.get(key);
  if (existing && !existing.conn.isClosed) {
    existing.users++;
    return existing;
  }
  const pending = new Map<number, Pending>();
  const conn: WireConnection = new WireConnection({
    socket: connect(port, host),
    secret,
    side: 'client',
    identity: { role: WireRole.client, nodeId: 0 },
    onMessage: (m) => {
      if (!isClientResponse(m)) return conn.close(`unexpected ${m.kind} from a log node`);
      const p = pending.get(m.requestId);
      if (!p) return; // answered after its attempt timed out: ignored (a retry carries the outcome)
      pending.delete(m.requestId);
      if (hopTraceOn && m.kind === 'appendOk') {
        hopMark('cSent', m.lastId, p.sentAtUs ?? 0);
        hopMark('cRead', m.lastId, hopReadAtUs);
      }
      p.resolve(m);
    },
    onClose: (reason) => {
      if (links.get(key) === link) links.delete(key);
      if (link.deadlineTimer !== undefined) clearTimeout(link.deadlineTimer);
      link.deadlineTimer = undefined;
      const lost = [...pending.values()];
      pending.clear();
      for (const p of lost) p.reject(new ConnectionLost(reason ?? 'connection lost'));
    },
  });
  const link: Link = { key, conn, pending, nextRequestId: 1, users: 1, deadlineTimer: undefined, deadlineAt: 0 };
  links.set(key, link);
  return link;
}

function releaseLink(link: Link): void {
  link.users--;
  if (link.users > 0) return;
  if (links.get(link.key) === link) links.delete(link.key);
  link.conn.close();
}

/** A connection was lost with the request in flight: its outcome is unknown. */
class ConnectionLost extends Error {}

/** A fresh writer id after `previous` was abandoned (random, never the same). */
function nextWriterId(previous: number): number {
  for (;;) {
    const id = randomInt(1, 2 ** 31);
    if (id !== previous) return id;
  }
}

/** Pause between retries when no leader is known (an election takes a few hundred ms). */
const retryPauseMs = 50;

export class JournalClient {
  /** The current writer id (it changes after an append times out; see above). */
  writerId: number;
  private readonly nodes: { host: string; port: number }[];
  private readonly secret: string;
  private readonly timeoutMs: number;
  /** The link this client holds to each node (a reference counted in the link). */
  private readonly conns: (Link | undefined)[];
  private writerSeq = 0;
  /** Index into nodes of the presumed log leader. */
  private leader = 0;
  private closed = false;

  constructor(options: JournalClientOptions) {
    if (options.nodes.length === 0) throw new Error('JournalClient: nodes must list at least one log node');
    this.nodes = options.nodes.map((n) => {
      const colon = n.lastIndexOf(':');
      const port = Number(n.slice(colon + 1));
      if (colon <= 0 || !Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`JournalClient: '${n}' is not host:port`);
      return { host: n.slice(0, colon), port };
    });
    this.conns = new Array<Link | undefined>(this.nodes.length);
    this.secret = options.secret;
    this.writerId = options.writerId ?? randomInt(1, 2 ** 31);
    if (!Number.isInteger(this.writerId) || this.writerId <= 0 || this.writerId > 0xffff_ffff) {
      throw new Error('JournalClient: writerId must be an integer from 1 to 2^32-1');
    }
    this.timeoutMs = options.timeoutMs ?? journalClientTimeoutMs;
  }

  /**
   * Appends records after `afterId` or under `leaderToken`. Resolves with their ids once
   * the log has them on a majority; rejects with a JournalClientError otherwise.
   */
  append(records: readonly AppendRecord[], condition: AppendCondition): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      this.appendThen(records, condition, (failure, result) => (failure === undefined ? resolve(result!) : reject(failure)));
    });
  }

  /**
   * append() with a callback (see the file comment): `done` gets the failure append()
   * would reject with, or the result; it is called once, never before appendThen returns.
   * Appends are issued in call order, as append()'s are.
   */
  appendThen(records: readonly AppendRecord[], condition: AppendCondition, done: AppendDone): void {
    this.appendWith(records, condition, undefined, done);
  }

  /**
   * appendThen of ONE record under `leaderToken`, whose payload lies in `append.buffer`
   * with append-frame.ts's prefix free in front of it: the first attempt's frame is
   * written there and sent as it is (no copy of the payload). The buffer must stay
   * untouched until `done` is called (retries read the payload).
   */
  appendInPlaceThen(append: InPlaceAppend, leaderToken: number, done: AppendDone): void {
    const record: AppendRecord = { type: append.type, engineVersion: append.engineVersion, payload: append.buffer.subarray(append.payloadStart, append.payloadEnd) };
    this.appendWith([record], { leaderToken }, append, done);
  }

  /** appendThen, its first attempt's frame written in place when `inPlace` is given (one record, leaderToken). */
  private appendWith(records: readonly AppendRecord[], condition: AppendCondition, inPlace: InPlaceAppend | undefined, done: AppendDone): void {
    const writerId = this.writerId;
    const writerSeq = ++this.writerSeq;
    const build = (requestId: number): ClientRequest => ({ kind: 'append', requestId, writerId, writerSeq, records, condition });
    let firstFrame: ((requestId: number) => Buffer) | undefined;
    if (inPlace !== undefined) {
      assert('leaderToken' in condition, 'an in-place append is a leaderToken append');
      const token = condition.leaderToken;
      firstFrame = (requestId) => writeAppendFrame(inPlace, requestId, writerId, writerSeq, token);
    }
    this.toLeaderThen('append', build, firstFrame, (failure, response) => {
      if (failure !== undefined) {
        if (failure instanceof JournalClientError && failure.code === 'timeout' && this.writerId === writerId) {
          // Outcome unknown and never retried again: a gap in this writer's sequence.
          this.writerId = nextWriterId(writerId);
          this.writerSeq = 0;
        }
        done(failure, undefined);
        return;
      }
      if (response === undefined || response.kind !== 'appendOk') {
        done(new JournalClientError('badRequest', `unexpected ${response?.kind} to an append`), undefined);
        return;
      }
      done(undefined, { firstId: response.firstId, lastId: response.lastId });
    });
  }

  /** The last committed id and the current leader token (linearizable). */
  async tail(): Promise<{ tailId: number; leaderToken: number }> {
    const r = await this.toLeader('tail', (requestId) => ({ kind: 'tail', requestId }));
    if (r.kind !== 'tailOk') throw new JournalClientError('badRequest', `unexpected ${r.kind} to tail`);
    return { tailId: r.tailId, leaderToken: r.leaderToken };
  }

  /** Lets the log drop entries below beforeId; resolves with the trim point adopted. */
  async trim(beforeId: number): Promise<number> {
    const r = await this.toLeader('trim', (requestId) => ({ kind: 'trim', requestId, beforeId }));
    if (r.kind !== 'trimOk') throw new JournalClientError('badRequest', `unexpected ${r.kind} to trim`);
    return r.trimBeforeId;
  }

  /**
   * Committed entries from fromId on, following the tail for as long as the caller
   * iterates (break out of the loop or close() to stop). Reads any node, moving to
   * another when one fails; rejects with code 'trimmed' if fromId was trimmed away.
   */
  async *read(fromId: number, options: { waitMs?: number; maxBytes?: number } = {}): AsyncGenerator<LogEntry> {
    let next = fromId;
    let node = this.leader;
    const waitMs = options.waitMs ?? 1000;
    const maxBytes = options.maxBytes ?? journalBatchBytesMax;
    while (!this.closed) {
      let response: ClientResponse;
      try {
        response = await this.request(node, (requestId) => ({ kind: 'read', requestId, fromId: next, maxBytes, waitMs }), waitMs + this.timeoutMs);
      } catch {
        if (this.closed) return;
        node = (node + 1) % this.nodes.length;
        await this.pause(retryPauseMs);
        continue;
      }
      if (response.kind === 'readOk') {
        for (const e of response.entries) {
          if (e.index !== next) continue; // defensive: never yield out of order
          yield e;
          next++;
        }
        // Nothing new here after the wait: this node may be a follower that lags or is
        // cut off from the leader (its commit index stays behind); ask the next one.
        if (response.entries.length === 0) node = (node + 1) % this.nodes.length;
        continue;
      }
      if (response.kind === 'error' && response.error.code === 'trimmed') {
        throw new JournalClientError('trimmed', `entries before ${response.error.firstId} were trimmed`, response.error.firstId);
      }
      if (response.kind === 'error' && response.error.code === 'badRequest') {
        throw new JournalClientError('badRequest', response.error.reason);
      }
      node = (node + 1) % this.nodes.length;
      await this.pause(retryPauseMs);
    }
  }

  /** Closes every connection; calls in flight reject with code 'closed'. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (let i = 0; i < this.conns.length; i++) {
      const link = this.conns[i];
      if (link === undefined) continue;
      this.conns[i] = undefined;
      for (const [id, p] of link.pending) {
        if (p.owner !== this) continue;
        link.pending.delete(id);
        p.reject(new JournalClientError('closed', 'journal client closed'));
      }
      releaseLink(link);
    }
  }

  // --- internals -------------------------------------------------------------------------

  /**
   * toLeader with a callback, whose first attempt on the presumed leader needs no
   * promise: a non-error answer goes to `done` straight from the socket read; anything
   * else continues in toLeader's loop (same deadline), which calls `done` later. `done`
   * is never called before this returns.
   */
  private toLeaderThen(what: string, build: (requestId: number) => ClientRequest, firstFrame: ((requestId: number) => Buffer) | undefined, done: Answer): void {
    const deadline = performance.now() + this.timeoutMs;
    const slow = (first: Outcome | undefined): void => {
      this.toLeader(what, build, deadline, first).then(
        (response) => done(undefined, response),
        (err: unknown) => done(err instanceof Error ? err : new Error(String(err)), undefined),
      );
    };
    if (this.closed) return slow(undefined);
    const node = this.leader;
    this.attempt(
      node,
      firstFrame ?? build,
      this.timeoutMs,
      (response) => {
        if (response.kind === 'error') return slow({ node, response });
        callOutside(done, response);
      },
      (failure) => slow({ node, failure }),
    );
  }

  /**
   * Sends a request to the presumed leader, following notLeader hints and retrying on
   * lost connections and `unavailable` until `deadline`. `build` makes each attempt
   * with a fresh requestId (the append's writerSeq stays the same). `first`: the outcome
   * of an attempt already made (toLeaderThen), judged as if this loop had made it.
   */
  private async toLeader(
    what: string,
    build: (requestId: number) => ClientRequest,
    deadline = performance.now() + this.timeoutMs,
    first?: Outcome,
  ): Promise<ClientResponse> {
    let lastProblem = 'no log node answered';
    for (;;) {
      let outcome: Outcome;
      if (first !== undefined) {
        outcome = first;
        first = undefined;
      } else {
        if (this.closed) throw new JournalClientError('closed', 'journal client closed');
        const left = deadline - performance.now();
        if (left <= 0) {
          throw new JournalClientError(
            'timeout',
            `journal ${what} not acknowledged within ${this.timeoutMs} ms (last: ${lastProblem}); ` +
              (what === 'append' ? 'it may or may not have been applied' : 'no answer'),
          );
        }
        const node = this.leader;
        try {
          outcome = { node, response: await this.request(node, build, left) };
        } catch (failure) {
          outcome = { node, failure };
        }
      }
      const { node, response } = outcome;
      if (response === undefined) {
        const err = outcome.failure;
        if (err instanceof JournalClientError) throw err;
        lastProblem = `node ${node + 1}: ${err instanceof Error ? err.message : String(err)}`;
        if (this.leader === node) this.leader = (node + 1) % this.nodes.length;
        await this.pause(retryPauseMs);
        continue;
      }
      if (response.kind !== 'error') return response;
      const e = response.error;
      switch (e.code) {
        case 'notLeader': {
          lastProblem = `node ${node + 1} is not the log leader`;
          const hinted = e.leaderHint - 1;
          if (e.leaderHint > 0 && hinted < this.nodes.length && hinted !== node) {
            this.leader = hinted;
          } else {
            this.leader = (node + 1) % this.nodes.length;
            await this.pause(retryPauseMs);
          }
          continue;
        }
        case 'unavailable':
          lastProblem = `node ${node + 1}: ${e.reason}`;
          await this.pause(retryPauseMs);
          continue;
        case 'tailMismatch':
          throw new JournalClientError('tailMismatch', `the log's last id is ${e.tailId}`, e.tailId);
        case 'fenced':
          throw new JournalClientError('fenced', `the leader token is now ${e.currentToken}`, e.currentToken);
        case 'trimmed':
          throw new JournalClientError('trimmed', `entries before ${e.firstId} were trimmed`, e.firstId);
        case 'badRequest':
          throw new JournalClientError('badRequest', e.reason);
      }
    }
  }

  /** One attempt on one node; rejects with ConnectionLost or on the attempt's timeout. */
  private request(node: number, build: (requestId: number) => ClientRequest, timeoutMs: number): Promise<ClientResponse> {
    return new Promise<ClientResponse>((resolve, reject) => this.attempt(node, build, timeoutMs, resolve, reject));
  }

  /**
   * request() with callbacks; `reject` may be called before it returns (a closed
   * connection). `build` makes the message, or (toLeaderThen's first attempt in place)
   * the encoded frame itself.
   */
  private attempt(
    node: number,
    build: ((requestId: number) => ClientRequest) | ((requestId: number) => Buffer),
    timeoutMs: number,
    resolve: (response: ClientResponse) => void,
    reject: (error: Error) => void,
  ): void {
    const link = this.connection(node);
    const { conn, pending } = link;
    let requestId = link.nextRequestId;
    // Skip ids still in flight (a long poll may outlive 2^32 later requests' ids).
    while (pending.has(requestId)) requestId = requestId >= 0xffff_fffe ? 1 : requestId + 1;
    link.nextRequestId = requestId >= 0xffff_fffe ? 1 : requestId + 1;
    const p: Pending = { owner: this, deadline: performance.now() + timeoutMs, timeoutMs, resolve, reject };
    pending.set(requestId, p);
    if (hopTraceOn) conn.traceOnFlush((at) => (p.sentAtUs = at));
    watchDeadline(link, p.deadline);
    const request = build(requestId);
    if (!(Buffer.isBuffer(request) ? conn.sendFrame(request) : conn.send(request))) {
      pending.delete(requestId);
      reject(new ConnectionLost('connection closed'));
    }
  }

  /** This client's link to a node, acquiring a (shared) one if it has none open. */
  private connection(node: number): Link {
    const held = this.conns[node];
    if (held && !held.conn.isClosed) return held;
    if (held) releaseLink(held);
    const { host, port } = this.nodes[node]!;
    const link = acquireLink(host, port, this.secret);
    this.conns[node] = link;
    return link;
  }

  /** A short wait between retries (not tracked: it ends soon, and the loop checks `closed`). */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}
