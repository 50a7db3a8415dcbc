// One journal log node: Raft (src/journal/raft) over a LogStorage, plus the journal's
// semantics on top of the replicated log: conditional append (afterId), leader tokens
// and fencing, retry dedup by (writerId, writerSeq), reads of committed entries with a
// long poll, linearizable tail (read index) and trim. A client request is answered only
// when its outcome is final: an append once its entries are committed (on disk on a
// majority), never before.
//
// Runs in a log-node process (src/journal/node/log-node-main.ts wires TCP and disk) or
// in the deterministic simulator (src/journal/sim); single-threaded, event-driven, and
// touching time only through the injected env.
//
// Invariants:
// - `state` (LogState) mirrors the local log entry for entry (Raft's hooks keep it so);
//   on the leader it covers uncommitted entries too, which is what afterId and the
//   token are checked against: an entry in the leader's log will commit before anything
//   appended after it, or never (and then neither will the later ones).
// - an append waiter is answered ok only if the entry at its lastId, once committed,
//   still has the term it was proposed in (the same entries, not a replacement).

import { assert } from '../../assert.js';
import {
  journalAppendRecordCountMax,
  journalBatchBytesMax,
  journalPayloadBytesMax,
  journalReadWaitMsMax,
} from '../../limits.js';
import type { JournalEnv, TimerHandle } from '../env.js';
import type {
  AppendRequest,
  ClientRequest,
  ClientResponse,
  JournalError,
  NodeId,
  ReadRequest,
  TailRequest,
  TrimRequest,
} from '../messages.js';
import { NotLeaderError, Raft, type RaftConfig, type Role } from '../raft/raft.js';
import { RecordType } from '../record-types.js';
import type { LogStorage, RecoveryReport } from '../storage/types.js';
import { LogState } from './log-state.js';
import { hopMark, hopReadAtUs, hopTraceOn } from '../hop-trace.js';

export type Respond = (response: ClientResponse) => void;

export interface LogNodeOptions {
  readonly id: NodeId;
  readonly peers: readonly NodeId[];
  readonly storage: LogStorage;
  readonly env: JournalEnv;
  /** Raft timing overrides (tests); defaults come from src/limits.ts. */
  readonly raft?: Omit<RaftConfig, 'id' | 'peers'>;
  /**
   * TEST ONLY, a deliberate bug for the simulator's canary: accept appends whatever
   * their afterId. The simulator must catch it.
   */
  readonly canarySkipAfterIdCheck?: boolean;
  /** Observes role changes (the simulator checks at most one leader per term). */
  readonly onRoleChange?: (role: Role, term: number, leaderId: NodeId) => void;
}

interface AppendWaiter {
  readonly firstId: number;
  readonly lastId: number;
  /** Term of the entry at lastId when it was proposed (or found, for a retry). */
  readonly term: number;
  readonly requestId: number;
  readonly respond: Respond;
}

interface ReadWaiter {
  readonly request: ReadRequest;
  readonly respond: Respond;
  timer: TimerHandle | undefined;
}

export class LogNode {
  readonly id: NodeId;
  private readonly storage: LogStorage;
  private readonly env: JournalEnv;
  private readonly raft: Raft;
  private readonly state = new LogState();
  private readonly canarySkipAfterIdCheck: boolean;
  private readonly roleObserver: ((role: Role, term: number, leaderId: NodeId) => void) | undefined;
  /** Appends waiting for their commit, sorted by lastId, from appendWaitersHead on. */
  private appendWaiters: AppendWaiter[] = [];
  private appendWaitersHead = 0;
  private readWaiters: ReadWaiter[] = [];
  private stopped = false;
  private started = false;
  private fatalError: unknown;

  constructor(options: LogNodeOptions) {
    this.id = options.id;
    this.storage = options.storage;
    this.env = options.env;
    this.canarySkipAfterIdCheck = options.canarySkipAfterIdCheck ?? false;
    this.roleObserver = options.onRoleChange;
    this.raft = new Raft({ ...options.raft, id: options.id, peers: options.peers }, options.storage, options.env, {
      onAppend: (entries) => this.state.append(entries),
      onTruncate: (afterIndex) => this.onTruncate(afterIndex),
      onCommit: (commitIndex) => this.onCommit(commitIndex),
      onRoleChange: (role, term, leaderId) => this.onRoleChange(role, term, leaderId),
      onFatal: (error) => this.onFatal(error),
    });
  }

  // --- Introspection (the process's status line, the simulator's checks) ---------------

  get role(): Role {
    return this.raft.role;
  }
  get term(): number {
    return this.raft.term;
  }
  get leaderId(): NodeId {
    return this.raft.leaderId;
  }
  get commitIndex(): number {
    return this.raft.commitIndex;
  }
  get lastIndex(): number {
    return this.storage.lastIndex;
  }
  get leaderToken(): number {
    return this.state.token;
  }
  /** The Raft leader's own syncs and the commits made on its followers' copies (Raft.leaderSyncStats). */
  get leaderSyncStats(): Readonly<Raft['leaderSyncStats']> {
    return this.raft.leaderSyncStats;
  }
  /** The error that stopped this node, if one did (a broken invariant or storage failure). */
  get fatal(): unknown {
    return this.fatalError;
  }
  get isRunning(): boolean {
    return this.started && !this.stopped;
  }

  /** Opens the storage (cutting a torn tail), rebuilds the journal state, joins Raft. */
  async start(): Promise<RecoveryReport> {
    assert(!this.started, 'log node started twice');
    const report = await this.storage.open();
    const first = this.storage.firstIndex;
    const last = this.storage.lastIndex;
    if (first > 1) this.state.resetTo(first - 1);
    for (let from = first; from <= last; ) {
      const entries = await this.storage.read(from, last, journalBatchBytesMax);
      assert(entries.length > 0 && entries[0]!.index === from, 'log node: storage read returned nothing');
      this.state.append(entries);
      from = entries[entries.length - 1]!.index + 1;
    }
    if (this.stopped) return report;
    this.started = true;
    this.raft.start();
    this.env.logger.log(
      'info',
      `log node ${this.id}: started with entries ${first}..${last}, term ${this.raft.term}` +
        (report.truncatedBytes > 0 ? `, cut ${report.truncatedBytes} bytes (${report.truncatedReason ?? '?'})` : ''),
    );
    return report;
  }

  /**
   * Stops the node. Graceful (`answerPending`): pending requests get `unavailable`.
   * A simulated crash passes false: a dead process answers nothing.
   */
  stop(answerPending = true): void {
    if (this.stopped) return;
    this.stopped = true;
    this.raft.stop();
    const appends = this.appendWaiters.slice(this.appendWaitersHead);
    const reads = this.readWaiters;
    this.appendWaiters = [];
    this.appendWaitersHead = 0;
    this.readWaiters = [];
    for (const r of reads) if (r.timer !== undefined) this.env.clock.clearTimer(r.timer);
    if (!answerPending) return;
    for (const w of appends) w.respond(errorResponse(w.requestId, { code: 'unavailable', reason: 'node stopping' }));
    for (const r of reads) r.respond(errorResponse(r.request.requestId, { code: 'unavailable', reason: 'node stopping' }));
  }

  // --- Client requests ---------------------------------------------------------------------

  handleClientRequest(request: ClientRequest, respond: Respond): void {
    if (!this.isRunning) {
      respond(errorResponse(request.requestId, { code: 'unavailable', reason: 'node not running' }));
      return;
    }
    switch (request.kind) {
      case 'append':
        return this.append(request, respond);
      case 'read':
        return this.read(request, respond);
      case 'tail':
        return this.tail(request, respond);
      case 'trim':
        return this.trim(request, respond);
    }
  }

  private notLeader(requestId: number): ClientResponse {
    const hint = this.raft.leaderId === this.id ? 0 : this.raft.leaderId;
    return errorResponse(requestId, { code: 'notLeader', leaderHint: hint });
  }

  private append(request: AppendRequest, respond: Respond): void {
    const { requestId } = request;
    if (!this.raft.isLeader) return respond(this.notLeader(requestId));
    const invalid = validateAppend(request);
    if (invalid !== undefined) return respond(errorResponse(requestId, { code: 'badRequest', reason: invalid }));

    // A retry of an append already in the log: answer with the ids it got (once committed).
    const seen = this.state.lookup(request.writerId, request.writerSeq);
    if (seen.kind === 'forgotten') {
      return respond(errorResponse(requestId, { code: 'badRequest', reason: 'writerSeq too old to deduplicate' }));
    }
    if (seen.kind === 'found') {
      const { firstId, lastId } = seen.group;
      if (lastId - firstId + 1 !== request.records.length) {
        // Only a prefix of that append reached the log before its leader failed.
        return respond(
          errorResponse(requestId, { code: 'unavailable', reason: `partial append in the log: ids ${firstId}..${lastId}` }),
        );
      }
      if (lastId <= this.raft.commitIndex) {
        // Committed (perhaps trimmed since): committed entries never change.
        return respond({ kind: 'appendOk', requestId, firstId, lastId });
      }
      const term = this.storage.term(lastId);
      assert(term !== undefined, 'log node: uncommitted dedup group outside the log');
      return this.waitForCommit({ firstId, lastId, term, requestId, respond });
    }

    const condition = request.condition;
    if ('afterId' in condition) {
      const tailId = this.storage.lastIndex;
      if (condition.afterId !== tailId && !this.canarySkipAfterIdCheck) {
        return respond(errorResponse(requestId, { code: 'tailMismatch', tailId }));
      }
    } else {
      const currentToken = this.state.token;
      if (condition.leaderToken !== currentToken) {
        return respond(errorResponse(requestId, { code: 'fenced', currentToken }));
      }
      // A writer's pipelined appends must land in writerSeq order: after a log-leader
      // change their retries race, and append n+1 could otherwise land before n. So a
      // token append must follow the writer's latest append in the log; a later one
      // waits (retryable: its predecessor's retry is on the way), an earlier one that is
      // not in the log can never land in order.
      const lastSeq = this.state.lastWriterSeq(request.writerId);
      if (lastSeq !== 0 && request.writerSeq !== lastSeq + 1) {
        if (request.writerSeq <= lastSeq) {
          return respond(errorResponse(requestId, { code: 'badRequest', reason: `writerSeq ${request.writerSeq} is behind the writer's latest append ${lastSeq}` }));
        }
        return respond(errorResponse(requestId, { code: 'unavailable', reason: `writer gap: writerSeq ${request.writerSeq} waits for ${lastSeq + 1}` }));
      }
    }
    const records = request.records.map((r) => ({
      type: r.type,
      engineVersion: r.engineVersion,
      writerId: request.writerId,
      writerSeq: request.writerSeq,
      payload: r.payload,
    }));
    const firstId = this.raft.propose(records);
    const lastId = firstId + records.length - 1;
    if (hopTraceOn) hopMark('lRead', lastId, hopReadAtUs);
    this.waitForCommit({ firstId, lastId, term: this.raft.term, requestId, respond });
  }

  private waitForCommit(waiter: AppendWaiter): void {
    if (waiter.lastId <= this.raft.commitIndex) {
      waiter.respond({ kind: 'appendOk', requestId: waiter.requestId, firstId: waiter.firstId, lastId: waiter.lastId });
      return;
    }
    // Insert sorted by lastId (new proposals go at the end: the common case is a push).
    const waiters = this.appendWaiters;
    let at = waiters.length;
    while (at > this.appendWaitersHead && waiters[at - 1]!.lastId > waiter.lastId) at--;
    if (at === waiters.length) waiters.push(waiter);
    else waiters.splice(at, 0, waiter);
  }

  private read(request: ReadRequest, respond: Respond): void {
    const { requestId, fromId } = request;
    if (!Number.isSafeInteger(fromId) || fromId < 1 || !(request.maxBytes >= 0) || !(request.waitMs >= 0)) {
      return respond(errorResponse(requestId, { code: 'badRequest', reason: 'bad read arguments' }));
    }
    if (fromId < this.storage.firstIndex) {
      return respond(errorResponse(requestId, { code: 'trimmed', firstId: this.storage.firstIndex }));
    }
    if (fromId <= this.raft.commitIndex) return this.readNow(request, respond);
    if (request.waitMs === 0) {
      return respond({ kind: 'readOk', requestId, entries: [], commitId: this.raft.commitIndex });
    }
    const waiter: ReadWaiter = { request, respond, timer: undefined };
    waiter.timer = this.env.clock.setTimer(Math.min(request.waitMs, journalReadWaitMsMax), () => {
      waiter.timer = undefined;
      const at = this.readWaiters.indexOf(waiter);
      if (at < 0) return;
      this.readWaiters.splice(at, 1);
      respond({ kind: 'readOk', requestId, entries: [], commitId: this.raft.commitIndex });
    });
    this.readWaiters.push(waiter);
  }

  private readNow(request: ReadRequest, respond: Respond): void {
    const commitId = this.raft.commitIndex;
    const to = Math.min(commitId, request.fromId + journalAppendRecordCountMax - 1);
    const maxBytes = Math.min(Math.max(request.maxBytes, 1), journalBatchBytesMax);
    this.storage.read(request.fromId, to, maxBytes).then(
      (entries) => {
        if (this.stopped) return;
        respond({ kind: 'readOk', requestId: request.requestId, entries, commitId });
      },
      (error: unknown) => {
        if (this.stopped) return;
        // Trimmed meanwhile, or a read error: the reader retries (from elsewhere).
        this.env.logger.log('warn', `log node ${this.id}: read from ${request.fromId} failed: ${String(error)}`);
        respond(errorResponse(request.requestId, { code: 'unavailable', reason: 'read failed' }));
      },
    );
  }

  private tail(request: TailRequest, respond: Respond): void {
    if (!this.raft.isLeader) return respond(this.notLeader(request.requestId));
    this.raft.readIndex().then(
      (tailId) => {
        if (this.stopped) return;
        respond({ kind: 'tailOk', requestId: request.requestId, tailId, leaderToken: this.state.tokenAt(tailId) });
      },
      (error: unknown) => {
        if (this.stopped) return;
        if (error instanceof NotLeaderError) return respond(this.notLeader(request.requestId));
        respond(errorResponse(request.requestId, { code: 'unavailable', reason: String(error) }));
      },
    );
  }

  private trim(request: TrimRequest, respond: Respond): void {
    if (!this.raft.isLeader) return respond(this.notLeader(request.requestId));
    if (!Number.isSafeInteger(request.beforeId) || request.beforeId < 1) {
      return respond(errorResponse(request.requestId, { code: 'badRequest', reason: 'bad trim point' }));
    }
    // Keep the current leadership record: the token is derived from the log.
    const token = this.state.token;
    const point = token > 0 ? Math.min(request.beforeId, token) : request.beforeId;
    const adopted = this.raft.requestTrim(point);
    respond({ kind: 'trimOk', requestId: request.requestId, trimBeforeId: adopted });
  }

  // --- Raft hooks ----------------------------------------------------------------------------

  private onCommit(commitIndex: number): void {
    // Answered waiters are skipped by a head index (no shifting per commit); the array
    // is compacted once the dead prefix dominates.
    const waiters = this.appendWaiters;
    while (this.appendWaitersHead < waiters.length && waiters[this.appendWaitersHead]!.lastId <= commitIndex) {
      const w = waiters[this.appendWaitersHead++]!;
      if (this.storage.term(w.lastId) === w.term) {
        w.respond({ kind: 'appendOk', requestId: w.requestId, firstId: w.firstId, lastId: w.lastId });
      } else {
        w.respond(errorResponse(w.requestId, { code: 'unavailable', reason: 'entries replaced by another leader' }));
      }
    }
    if (this.appendWaitersHead === waiters.length) {
      waiters.length = 0;
      this.appendWaitersHead = 0;
    } else if (this.appendWaitersHead > 1024 && this.appendWaitersHead * 2 > waiters.length) {
      this.appendWaiters = waiters.slice(this.appendWaitersHead);
      this.appendWaitersHead = 0;
    }
    if (this.readWaiters.length > 0) {
      const still: ReadWaiter[] = [];
      for (const r of this.readWaiters) {
        if (r.request.fromId <= commitIndex) {
          if (r.timer !== undefined) this.env.clock.clearTimer(r.timer);
          this.readNow(r.request, r.respond);
        } else {
          still.push(r);
        }
      }
      this.readWaiters = still;
    }
  }

  private onTruncate(afterIndex: number): void {
    this.state.truncateAfter(afterIndex);
    const kept: AppendWaiter[] = [];
    for (const w of this.appendWaiters.slice(this.appendWaitersHead)) {
      if (w.lastId > afterIndex) {
        w.respond(errorResponse(w.requestId, { code: 'unavailable', reason: 'entries replaced by another leader' }));
      } else {
        kept.push(w);
      }
    }
    this.appendWaiters = kept;
    this.appendWaitersHead = 0;
  }

  private onRoleChange(role: Role, term: number, leaderId: NodeId): void {
    this.env.logger.log('debug', `log node ${this.id}: ${role} in term ${term} (leader ${leaderId})`);
    this.roleObserver?.(role, term, leaderId);
    if (role === 'leader') return;
    // A deposed leader cannot know whether its pending entries will commit: the outcome
    // is unknown; the writer retries with the same writerSeq and dedup answers it.
    const waiters = this.appendWaiters.slice(this.appendWaitersHead);
    this.appendWaiters = [];
    this.appendWaitersHead = 0;
    for (const w of waiters) {
      w.respond(errorResponse(w.requestId, { code: 'unavailable', reason: 'log leadership lost' }));
    }
  }

  private onFatal(error: unknown): void {
    this.fatalError = error;
    this.env.logger.log('error', `log node ${this.id}: fatal: ${error instanceof Error ? error.stack : String(error)}`);
    this.stop(true);
  }
}

function errorResponse(requestId: number, error: JournalError): ClientResponse {
  return { kind: 'error', requestId, error };
}

/** Why an append request is malformed, or undefined if it is well-formed. */
function validateAppend(request: AppendRequest): string | undefined {
  if (!Number.isSafeInteger(request.writerId) || request.writerId <= 0) return 'writerId must be a positive integer';
  if (!Number.isSafeInteger(request.writerSeq) || request.writerSeq <= 0) return 'writerSeq must be a positive integer';
  const count = request.records.length;
  if (count === 0) return 'an append needs at least one record';
  if (count > journalAppendRecordCountMax) return `an append holds at most ${journalAppendRecordCountMax} records`;
  let leadership = false;
  for (const record of request.records) {
    if (record.payload.byteLength > journalPayloadBytesMax) return `a record holds at most ${journalPayloadBytesMax} bytes`;
    if (record.type === RecordType.noop) return 'noop records are the log leader\'s own';
    if (!Number.isSafeInteger(record.type) || record.type <= 0) return 'bad record type';
    if (record.type === RecordType.leadership) leadership = true;
  }
  const condition = request.condition as { afterId?: unknown; leaderToken?: unknown };
  const hasAfter = typeof condition.afterId === 'number';
  const hasToken = typeof condition.leaderToken === 'number';
  if (hasAfter === hasToken) return 'exactly one of afterId and leaderToken';
  // A leadership change is a compare-and-set on the log's tail, never under a token.
  if (leadership && !hasAfter) return 'a leadership record must be appended with afterId';
  return undefined;
}
