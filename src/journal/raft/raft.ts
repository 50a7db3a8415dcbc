// Raft consensus for one log node: leader election (randomized timeouts, pre-vote,
// check-quorum), log replication with the log-matching check and pipelining, commit on a
// majority of the current term, read-index rounds for linearizable tails, and trim.
// Written as a state machine over an injected environment (src/journal/env.ts) and a
// LogStorage (src/journal/storage/types.ts): no clock, timer, randomness or I/O of its
// own, so the deterministic simulator (src/journal/sim) drives it exactly as a real
// log-node process does.
//
// Runs in a log-node process or in the simulator; single-threaded, event-driven.
//
// Durability rules (Raft's, made concrete):
// - term and vote are saved (storage.saveHardState, fsynced) BEFORE any message that
//   depends on them is sent (a vote, a RequestVote, a response in a new term);
// - a follower answers AppendEntries with success only once the entries it vouches for
//   are synced (storage.sync);
// - the leader counts itself towards a majority only up to its own synced index.
//   It syncs lazily (Raft thesis 10.2.1: a leader may commit on a majority of
//   followers): its entries stay pending in storage while both followers acknowledge
//   them (2 of 3 durable without it), and one sync carries many appends: when entries
//   have waited leaderSyncLagMs without a majority, and at least every
//   leaderSyncPeriodMs (checked at each proposal, and by a timer when none comes). While
//   a follower lags (probing, or its window made no progress for leaderSyncLagMs) the
//   leader syncs every append at once, as before: its copy is then on the commit path.
//   Only when the leader syncs changed, never what it counts (maybeAdvanceCommit).
//
// Concurrency: every inbound message and timer runs through one queue, so a handler that
// awaits storage (truncate, hard state) is never interleaved with another. While no task
// is running or pending, a task runs at once, synchronously (the common case: an
// AppendEntries or an acknowledgment that awaits nothing); only a task that returns a
// promise makes later ones wait behind it.
// Syncs run outside the queue (group commit: many batches share one fdatasync); their
// completions check the log was not cut meanwhile (the truncation epoch) before they
// answer or count anything. propose() runs synchronously outside the queue: only a
// leader proposes, and a leader never cuts its own log.

import { assert, AssertionError } from '../../assert.js';
import {
  journalAppendEntriesCountMax,
  journalAppendEntriesInFlightMax,
  journalBatchBytesMax,
  journalElectionTimeoutMaxMs,
  journalElectionTimeoutMinMs,
  journalHeartbeatMs,
  journalLeaderSyncLagMs,
  journalLeaderSyncPeriodMs,
  journalLeaderSyncTimerMs,
  journalReplicationStallMs,
  journalTimerLateMs,
} from '../../limits.js';
import type { JournalEnv, TimerHandle } from '../env.js';
import type {
  AppendEntries,
  AppendEntriesResponse,
  NodeId,
  PeerMessage,
  RequestVote,
  RequestVoteResponse,
} from '../messages.js';
import { RecordType } from '../record-types.js';
import type { LogEntry, LogStorage } from '../storage/types.js';
import { EntryCache } from './entry-cache.js';
import { hopMark, hopReadAtUs, hopTraceOn } from '../hop-trace.js';

export type Role = 'follower' | 'preCandidate' | 'candidate' | 'leader';

/** An inbound message or a timer's work, run in order (Raft.enqueue). */
type Task = () => void | Promise<void>;

const resolved = Promise.resolve();

/**
 * Runs `task` as a microtask, like queueMicrotask but without Node's per-call
 * AsyncResource (an object, an async id and a bound function for every call, several
 * times per append on a leader). A throw surfaces as an unhandled rejection, which ends
 * the process (Node's default) as a throw from queueMicrotask would.
 */
function runSoon(task: () => void): void {
  void resolved.then(task);
}

export interface RaftConfig {
  readonly id: NodeId;
  /** The other nodes' ids (not including id). */
  readonly peers: readonly NodeId[];
  readonly heartbeatMs?: number;
  readonly electionTimeoutMinMs?: number;
  readonly electionTimeoutMaxMs?: number;
  readonly inFlightMax?: number;
  readonly batchBytesMax?: number;
  readonly batchCountMax?: number;
  readonly stallMs?: number;
  /** An election timer this late means the process was starved: re-check instead of acting. */
  readonly timerLateMs?: number;
  /**
   * TEST ONLY, a deliberate bug for the simulator's canary: answer AppendEntries and
   * count the leader's own entries before they are synced. The simulator must catch it.
   */
  readonly canaryAckBeforeSync?: boolean;
  /**
   * TEST ONLY, a deliberate bug: the leader counts its own entries towards a majority
   * before they are synced (the lazy leader's canary: only the leader side of
   * canaryAckBeforeSync). A test must catch it.
   */
  readonly canaryLeaderCountsUnsynced?: boolean;
  /** See journalLeaderSyncLagMs (0: the leader syncs every append at once). */
  readonly leaderSyncLagMs?: number;
  /** See journalLeaderSyncPeriodMs. */
  readonly leaderSyncPeriodMs?: number;
  /** See journalLeaderSyncTimerMs. */
  readonly leaderSyncTimerMs?: number;
}

/** What Raft tells the log node built on it. All calls are synchronous. */
export interface RaftHooks {
  /** Entries were added to the local log (leader proposal or follower replication). */
  onAppend(entries: readonly LogEntry[]): void;
  /** The local log lost every entry with index > afterIndex (a follower's conflict). */
  onTruncate(afterIndex: number): void;
  /** The commit index advanced to commitIndex. */
  onCommit(commitIndex: number): void;
  onRoleChange(role: Role, term: number, leaderId: NodeId): void;
  /** A broken invariant or a storage failure: the node must stop. */
  onFatal(error: unknown): void;
}

/** A record a leader proposes: the log assigns index and term. */
export interface ProposedRecord {
  readonly type: number;
  readonly engineVersion: number;
  readonly writerId: number;
  readonly writerSeq: number;
  readonly payload: Uint8Array;
}

/** Why a read-index round (or a wait) ended without an answer. */
export class NotLeaderError extends Error {
  override name = 'NotLeaderError';
  constructor(readonly leaderHint: NodeId) {
    super('not the log leader');
  }
}

/** The leader's view of one follower (etcd's Progress, simplified). */
interface Progress {
  /** Highest index known to match the leader's log AND be synced on the follower. */
  match: number;
  /** Next index to send. */
  next: number;
  /**
   * probe: one AppendEntries at a time until one succeeds (after a rejection, a stall or
   * at the start of a term); replicate: up to inFlightMax batches in flight.
   */
  state: 'probe' | 'replicate';
  /** Last index of each batch in flight (replicate state). */
  inflight: number[];
  probeOutstanding: boolean;
  probeSentAt: number;
  /** An asynchronous storage read for this follower is in progress. */
  reading: boolean;
  /** Time of the last response in the current term (check-quorum, stall detection). */
  lastAckAt: number;
  /** Highest heartbeat round echoed in the current term. */
  ackedProbe: number;
  /** When the window last went from empty to non-empty, or last made progress. */
  inflightSince: number;
  /** A warning that this follower needs trimmed entries was logged (once per term). */
  warnedTrimmed: boolean;
  /** When an AppendEntries (with entries or not) was last sent to it. */
  lastSentAt: number;
}

interface ReadWaiter {
  /** Heartbeat round that must be echoed by a majority; 0 while waiting for the term's first commit. */
  round: number;
  index: number;
  resolve(index: number): void;
  reject(error: Error): void;
}

export class Raft {
  private readonly id: NodeId;
  private readonly peerIds: readonly NodeId[];
  private readonly quorum: number;
  private readonly heartbeatMs: number;
  private readonly electionTimeoutMinMs: number;
  private readonly electionTimeoutMaxMs: number;
  private readonly inFlightMax: number;
  private readonly batchBytesMax: number;
  private readonly batchCountMax: number;
  private readonly stallMs: number;
  private readonly timerLateMs: number;
  private readonly canaryAckBeforeSync: boolean;
  private readonly canaryLeaderCountsUnsynced: boolean;
  private readonly leaderSyncLagMs: number;
  private readonly leaderSyncPeriodMs: number;
  private readonly leaderSyncTimerMs: number;

  private currentTerm = 0;
  private votedFor: NodeId = 0;
  private roleValue: Role = 'follower';
  private leaderIdValue: NodeId = 0;
  private commitIndexValue = 0;
  /** Highest index of the local log known synced (lowered when the log is cut). */
  private durableIndex = 0;
  /** Counts log truncations: a sync that completes across one proves nothing. */
  private truncations = 0;
  private votes = new Set<NodeId>();
  private lastLeaderContactAt = -Infinity;
  private readonly progress = new Map<NodeId, Progress>();
  private probeRound = 0;
  private readWaiters: ReadWaiter[] = [];
  /** Index of this leader's no-op: once committed, the leader knows the commit index. */
  private noopIndex = 0;
  private trimRequested = 0;
  private trimApplied = 0;
  private trimming = false;
  private electionTimer: TimerHandle | undefined;
  /**
   * When the election timeout is due (clock time): the armed timer's due time, or later
   * once a reset moved it (see resetElectionTimer); also how late a firing is measured.
   */
  private electionDueAt = 0;
  /** When the armed election timer fires (<= electionDueAt). */
  private electionTimerDueAt = 0;
  /** The current election timer is a re-check after a late one: act on it whatever its lateness. */
  private electionRecheck = false;
  private heartbeatTimer: TimerHandle | undefined;
  private flushScheduled = false;
  private syncScheduled = false;
  /** A lazy leader's sync timer (see lazySyncCheck). */
  private lazySyncTimer: TimerHandle | undefined;
  /** The lazy leader's window (see lazySyncCheck): entries up to this index (0: none)... */
  private lazyCheckIndex = 0;
  /** ... were all appended by this time (clock). */
  private lazyCheckAt = 0;
  /** Highest index a leader's sync was asked for (a lazy timer re-arms only past it). */
  private selfSyncRequested = 0;
  /** When the leader last asked for its own sync (clock time). */
  private lastSelfSyncAt = 0;
  /**
   * A leader's own syncs by what started them (every append / lag / period), and commits
   * counted without its own copy, on both followers' (tests, the simulator, metrics).
   */
  readonly leaderSyncStats = { eager: 0, lag: 0, period: 0, commitsOnFollowers: 0 };
  private readBroadcastScheduled = false;
  /**
   * The last batch (AppendEntries with entries) sent. The next follower's batch reuses
   * the same object when it would be identical, so the transport encodes it once for
   * both (TcpTransport keeps the last frame it encoded): a leader never changes its log
   * within its term, so term, span and header fix the bytes.
   */
  private lastBatch: AppendEntries | undefined;
  /** Tasks waiting for the running or pending one (see enqueue), in arrival order. */
  private readonly waitingTasks: Task[] = [];
  /** A task is running, or returned a promise that has not settled yet. */
  private draining = false;
  private stopped = false;
  private cache: EntryCache;
  /** maybeAdvanceCommit's match indexes, highest first (reused: it runs on every acknowledgment). */
  private readonly matchScratch: number[] = [];

  constructor(
    config: RaftConfig,
    private readonly storage: LogStorage,
    private readonly env: JournalEnv,
    private readonly hooks: RaftHooks,
  ) {
    this.id = config.id;
    this.peerIds = config.peers;
    assert(this.id > 0 && !this.peerIds.includes(this.id), 'raft: bad node ids');
    this.quorum = Math.floor((this.peerIds.length + 1) / 2) + 1;
    this.heartbeatMs = config.heartbeatMs ?? journalHeartbeatMs;
    this.electionTimeoutMinMs = config.electionTimeoutMinMs ?? journalElectionTimeoutMinMs;
    this.electionTimeoutMaxMs = config.electionTimeoutMaxMs ?? journalElectionTimeoutMaxMs;
    this.inFlightMax = config.inFlightMax ?? journalAppendEntriesInFlightMax;
    this.batchBytesMax = config.batchBytesMax ?? journalBatchBytesMax;
    this.batchCountMax = config.batchCountMax ?? journalAppendEntriesCountMax;
    this.stallMs = config.stallMs ?? journalReplicationStallMs;
    this.timerLateMs = config.timerLateMs ?? journalTimerLateMs;
    this.canaryAckBeforeSync = config.canaryAckBeforeSync ?? false;
    this.canaryLeaderCountsUnsynced = config.canaryLeaderCountsUnsynced ?? false;
    this.leaderSyncLagMs = config.leaderSyncLagMs ?? journalLeaderSyncLagMs;
    this.leaderSyncPeriodMs = config.leaderSyncPeriodMs ?? journalLeaderSyncPeriodMs;
    this.leaderSyncTimerMs = config.leaderSyncTimerMs ?? journalLeaderSyncTimerMs;
    assert(this.leaderSyncLagMs >= 0 && this.leaderSyncLagMs <= this.leaderSyncPeriodMs, 'raft: leaderSyncLagMs in [0, leaderSyncPeriodMs]');
    assert(this.leaderSyncTimerMs > 0 && this.leaderSyncTimerMs <= this.leaderSyncPeriodMs, 'raft: leaderSyncTimerMs in (0, leaderSyncPeriodMs]');
    assert(this.heartbeatMs * 2 <= this.electionTimeoutMinMs, 'raft: heartbeats must fit in an election timeout');
    this.cache = new EntryCache(0, this.batchBytesMax * 4);
  }

  // --- Public view -----------------------------------------------------------------------

  get role(): Role {
    return this.roleValue;
  }
  get term(): number {
    return this.currentTerm;
  }
  get leaderId(): NodeId {
    return this.leaderIdValue;
  }
  get commitIndex(): number {
    return this.commitIndexValue;
  }
  get lastIndex(): number {
    return this.storage.lastIndex;
  }
  get isLeader(): boolean {
    return this.roleValue === 'leader' && !this.stopped;
  }

  /** Starts the node on an opened storage: loads term and vote, arms the election timer. */
  start(): void {
    const hard = this.storage.loadHardState();
    this.currentTerm = hard.term;
    this.votedFor = hard.votedFor;
    this.durableIndex = Math.min(this.storage.syncedIndex, this.storage.lastIndex);
    this.cache = new EntryCache(this.storage.lastIndex, this.batchBytesMax * 4);
    this.env.transport.onMessage((from, message) => this.enqueue(() => this.handleMessage(from, message)));
    this.resetElectionTimer();
  }

  /** Stops everything (shutdown, or a simulated crash): no timer fires, nothing is sent. */
  stop(): void {
    this.stopped = true;
    this.clearTimers();
    this.failReadWaiters();
  }

  /**
   * Appends records to the leader's log and starts replicating them. Returns the first
   * index given; the records get consecutive indexes. Only while isLeader.
   */
  propose(records: readonly ProposedRecord[]): number {
    assert(this.isLeader, 'raft: propose on a non-leader');
    assert(records.length > 0, 'raft: empty proposal');
    const first = this.storage.lastIndex + 1;
    const entries: LogEntry[] = records.map((r, i) => ({
      index: first + i,
      term: this.currentTerm,
      type: r.type,
      engineVersion: r.engineVersion,
      writerId: r.writerId,
      writerSeq: r.writerSeq,
      payload: r.payload,
    }));
    this.appendLocal(entries);
    // Replication first: the followers' writes are on the commit path, ours has slack
    // (two network hops), so their AppendEntries leave before our write is handed to the
    // disk thread (both are deferred to the end of this event-loop turn, in this order).
    this.scheduleFlush();
    if (this.canaryAckBeforeSync) {
      this.durableIndex = this.storage.lastIndex;
      this.maybeAdvanceCommit();
    }
    if (this.canaryLeaderCountsUnsynced) this.maybeAdvanceCommit(); // counts lastIndex, syncs as usual
    if (this.leaderSyncLagMs === 0 || this.followerLagging()) {
      this.leaderSyncStats.eager++;
      this.scheduleSelfSync();
    } else {
      this.lazySyncCheck();
    }
    return first;
  }

  /**
   * A read-index round (Raft thesis §6.4): resolves with a commit index that is at least
   * the commit index at the time of the call, once a majority confirmed this node was
   * still the leader after the call. Rejects with NotLeaderError otherwise.
   */
  readIndex(): Promise<number> {
    if (!this.isLeader) return Promise.reject(new NotLeaderError(this.leaderIdValue));
    return new Promise<number>((resolve, reject) => {
      const waiter: ReadWaiter = { round: 0, index: 0, resolve, reject };
      this.readWaiters.push(waiter);
      if (this.commitIndexValue >= this.noopIndex) this.startReadRound(waiter);
      this.checkReadWaiters();
    });
  }

  /**
   * Asks the leader to let entries below beforeIndex go. Clamped to the commit index and
   * to what every follower already has (no snapshot transfer exists to catch a follower
   * up past a trim). Returns the trim point requested so far.
   */
  requestTrim(beforeIndex: number): number {
    assert(this.isLeader, 'raft: trim on a non-leader');
    this.trimRequested = Math.max(this.trimRequested, beforeIndex);
    this.maybeTrim();
    return this.trimRequested;
  }

  // --- The queue -------------------------------------------------------------------------

  /**
   * Runs `task` in order with every other inbound message and timer. With no task running
   * or waiting it runs now: until session 10 every task went through a promise chain
   * (two promises, a closure and a microtask hop per message, and an async function's
   * promise on top), a cost on each log node per append for handlers that almost never
   * await. A task that returns a promise holds every later one until it settles.
   */
  private enqueue(task: Task): void {
    if (this.stopped) return;
    if (this.draining) {
      this.waitingTasks.push(task); // behind a running task (re-entrant) or a pending one
      return;
    }
    this.draining = true;
    this.drainFrom(task);
  }

  /** Runs `first`, then the waiting tasks in order, until one returns a promise. */
  private drainFrom(first: Task | undefined): void {
    for (let task = first; task !== undefined && !this.stopped; task = this.waitingTasks.shift()) {
      let pending: void | Promise<void>;
      try {
        pending = task();
      } catch (error) {
        this.fatal(error);
        break;
      }
      if (pending !== undefined) {
        pending.then(
          () => this.drainFrom(this.waitingTasks.shift()),
          (error: unknown) => {
            this.fatal(error);
            this.drainFrom(undefined);
          },
        );
        return;
      }
    }
    if (this.stopped) this.waitingTasks.length = 0;
    this.draining = false;
  }

  private fatal(error: unknown): void {
    if (this.stopped) return;
    this.stop();
    this.hooks.onFatal(error);
  }

  private handleMessage(from: NodeId, message: PeerMessage): void | Promise<void> {
    if (!this.peerIds.includes(from)) {
      this.env.logger.log('warn', `raft ${this.id}: message from unknown node ${from}`);
      return;
    }
    switch (message.kind) {
      case 'requestVote':
        return this.onRequestVote(from, message);
      case 'requestVoteResponse':
        return this.onRequestVoteResponse(from, message);
      case 'appendEntries':
        return this.onAppendEntries(from, message);
      case 'appendEntriesResponse':
        return this.onAppendEntriesResponse(from, message);
    }
  }

  private send(to: NodeId, message: PeerMessage): void {
    if (!this.stopped) this.env.transport.send(to, message);
  }

  // --- Terms, roles and timers -------------------------------------------------------------

  private termAt(index: number): number | undefined {
    if (index === 0) return 0;
    return this.storage.term(index);
  }

  private lastLogTerm(): number {
    return this.termAt(this.storage.lastIndex) ?? 0;
  }

  private async persistHardState(): Promise<void> {
    await this.storage.saveHardState({ term: this.currentTerm, votedFor: this.votedFor });
  }

  /** Moves to follower in `term` (>= currentTerm). Returns whether term/vote must be saved. */
  private becomeFollower(term: number, leaderId: NodeId): boolean {
    assert(term >= this.currentTerm, 'raft: term going backwards');
    const termChanged = term > this.currentTerm;
    if (termChanged) {
      this.currentTerm = term;
      this.votedFor = 0;
    }
    const wasLeader = this.roleValue === 'leader';
    const changed = termChanged || this.roleValue !== 'follower' || this.leaderIdValue !== leaderId;
    this.roleValue = 'follower';
    this.leaderIdValue = leaderId;
    if (wasLeader) {
      if (this.heartbeatTimer !== undefined) this.env.clock.clearTimer(this.heartbeatTimer);
      this.heartbeatTimer = undefined;
      // Its unsynced entries need no sync here: as a follower it syncs before it
      // acknowledges anything, and a new leader may cut them anyway.
      this.clearLazySyncTimer();
      this.failReadWaiters();
    }
    this.resetElectionTimer();
    if (changed) this.hooks.onRoleChange('follower', this.currentTerm, leaderId);
    return termChanged;
  }

  /**
   * A follower resets its timer on every AppendEntries (hundreds a second under load):
   * clearing and arming a timer each time cost ~4 % of a follower's CPU (a real timer
   * per random duration). So a reset that only pushes the deadline later just moves
   * electionDueAt; the armed timer, when it fires, re-arms itself for the rest.
   */
  private resetElectionTimer(): void {
    if (this.stopped) return;
    const spread = this.electionTimeoutMaxMs - this.electionTimeoutMinMs;
    const timeoutMs = this.electionTimeoutMinMs + this.env.random.int(spread);
    const dueAt = this.env.clock.now() + timeoutMs;
    if (this.electionTimer !== undefined && !this.electionRecheck && dueAt >= this.electionTimerDueAt) {
      this.electionDueAt = dueAt;
      return;
    }
    if (this.electionTimer !== undefined) this.env.clock.clearTimer(this.electionTimer);
    this.armElectionTimer(timeoutMs, false);
  }

  private armElectionTimer(timeoutMs: number, recheck: boolean): void {
    this.electionDueAt = this.env.clock.now() + timeoutMs;
    this.electionTimerDueAt = this.electionDueAt;
    this.electionRecheck = recheck;
    this.electionTimer = this.env.clock.setTimer(timeoutMs, () => {
      this.electionTimer = undefined;
      // A reset moved the deadline while this timer was armed: wait for the rest.
      const now = this.env.clock.now();
      if (now < this.electionDueAt) {
        this.armElectionTimer(this.electionDueAt - now, false);
        return;
      }
      // Fired well after it was due: this process was starved, and the heartbeats or
      // acknowledgments that would have reset it may sit unread in the socket buffers
      // (timers run before the poll phase). Campaigning or stepping down now would act
      // on stale evidence and make elections flap under CPU load; look again one
      // heartbeat later, once they are read and a live leader (starved too) has sent
      // its next heartbeat and had it answered. Only liveness waits, never safety.
      if (!this.electionRecheck && this.env.clock.now() - this.electionDueAt > this.timerLateMs) {
        this.armElectionTimer(this.heartbeatMs, true);
        return;
      }
      this.enqueue(() => this.onElectionTimeout());
    });
  }

  private clearTimers(): void {
    if (this.electionTimer !== undefined) this.env.clock.clearTimer(this.electionTimer);
    if (this.heartbeatTimer !== undefined) this.env.clock.clearTimer(this.heartbeatTimer);
    this.electionTimer = undefined;
    this.heartbeatTimer = undefined;
    this.clearLazySyncTimer();
  }

  private onElectionTimeout(): void | Promise<void> {
    if (this.roleValue === 'leader') {
      // Check-quorum: a leader that has not heard from a majority within an election
      // timeout steps down, so clients behind a partition find the new leader and the
      // pre-vote of the majority side is not refused on its behalf.
      const now = this.env.clock.now();
      let heard = 1;
      for (const p of this.progress.values()) if (now - p.lastAckAt < this.electionTimeoutMinMs) heard++;
      if (heard < this.quorum) {
        this.env.logger.log('info', `raft ${this.id}: lost contact with a majority in term ${this.currentTerm} (${[...this.progress.values()].map((p) => `${p.state} match ${p.match} inflight ${p.inflight.length} ack ${(now - p.lastAckAt).toFixed(0)}ms ago`).join('; ')})`);
        this.becomeFollower(this.currentTerm, 0);
        return;
      }
      this.resetElectionTimer();
      return;
    }
    // The timer may have fired while a leader's message waited in the queue behind
    // others (a busy node): contact since then still counts.
    if (this.leaderIdValue !== 0 && this.env.clock.now() - this.lastLeaderContactAt < this.electionTimeoutMinMs) {
      this.resetElectionTimer();
      return;
    }
    return this.startPreVote();
  }

  private startPreVote(): void | Promise<void> {
    this.roleValue = 'preCandidate';
    this.leaderIdValue = 0;
    this.votes = new Set([this.id]);
    this.resetElectionTimer();
    if (this.votes.size >= this.quorum) return this.startElection();
    const message: RequestVote = {
      kind: 'requestVote',
      term: this.currentTerm + 1,
      candidateId: this.id,
      lastLogIndex: this.storage.lastIndex,
      lastLogTerm: this.lastLogTerm(),
      preVote: true,
    };
    for (const peer of this.peerIds) this.send(peer, message);
  }

  private async startElection(): Promise<void> {
    this.roleValue = 'candidate';
    this.currentTerm++;
    this.votedFor = this.id;
    this.leaderIdValue = 0;
    this.votes = new Set([this.id]);
    this.resetElectionTimer();
    const term = this.currentTerm;
    await this.persistHardState();
    if (this.stopped || this.roleValue !== 'candidate' || this.currentTerm !== term) return;
    this.hooks.onRoleChange('candidate', term, 0);
    if (this.votes.size >= this.quorum) {
      this.becomeLeader();
      return;
    }
    const message: RequestVote = {
      kind: 'requestVote',
      term,
      candidateId: this.id,
      lastLogIndex: this.storage.lastIndex,
      lastLogTerm: this.lastLogTerm(),
      preVote: false,
    };
    for (const peer of this.peerIds) this.send(peer, message);
  }

  private async onRequestVote(from: NodeId, m: RequestVote): Promise<void> {
    const myLastTerm = this.lastLogTerm();
    const upToDate =
      m.lastLogTerm > myLastTerm || (m.lastLogTerm === myLastTerm && m.lastLogIndex >= this.storage.lastIndex);
    if (m.preVote) {
      // Grant only if a real election could succeed and no leader is known to be alive:
      // a node that rejoins after a partition cannot unseat a working leader.
      const now = this.env.clock.now();
      const leaderAlive =
        this.roleValue === 'leader' ||
        (this.leaderIdValue !== 0 && now - this.lastLeaderContactAt < this.electionTimeoutMinMs);
      const granted = m.term > this.currentTerm && upToDate && !leaderAlive;
      const response: RequestVoteResponse = { kind: 'requestVoteResponse', term: m.term, voteGranted: granted, preVote: true };
      this.send(from, response);
      return;
    }
    let mustSave = false;
    if (m.term > this.currentTerm) mustSave = this.becomeFollower(m.term, 0);
    let granted = false;
    if (m.term === this.currentTerm && upToDate && (this.votedFor === 0 || this.votedFor === m.candidateId)) {
      granted = true;
      if (this.votedFor !== m.candidateId) {
        this.votedFor = m.candidateId;
        mustSave = true;
      }
      this.resetElectionTimer();
    }
    const term = this.currentTerm;
    if (mustSave) await this.persistHardState();
    if (this.stopped || this.currentTerm !== term) return;
    const response: RequestVoteResponse = { kind: 'requestVoteResponse', term, voteGranted: granted, preVote: false };
    this.send(from, response);
  }

  private async onRequestVoteResponse(from: NodeId, m: RequestVoteResponse): Promise<void> {
    if (m.preVote) {
      if (this.roleValue !== 'preCandidate' || m.term !== this.currentTerm + 1 || !m.voteGranted) return;
      this.votes.add(from);
      if (this.votes.size >= this.quorum) await this.startElection();
      return;
    }
    if (m.term > this.currentTerm) {
      if (this.becomeFollower(m.term, 0)) await this.persistHardState();
      return;
    }
    if (this.roleValue !== 'candidate' || m.term !== this.currentTerm || !m.voteGranted) return;
    this.votes.add(from);
    if (this.votes.size >= this.quorum) this.becomeLeader();
  }

  private becomeLeader(): void {
    assert(this.roleValue === 'candidate', 'raft: only a candidate becomes leader');
    this.roleValue = 'leader';
    this.leaderIdValue = this.id;
    const now = this.env.clock.now();
    this.progress.clear();
    for (const peer of this.peerIds) {
      this.progress.set(peer, {
        match: 0,
        next: this.storage.lastIndex + 1,
        state: 'probe',
        inflight: [],
        probeOutstanding: false,
        probeSentAt: 0,
        reading: false,
        lastAckAt: now,
        ackedProbe: 0,
        inflightSince: now,
        warnedTrimmed: false,
        lastSentAt: -Infinity,
      });
    }
    this.probeRound = 1;
    this.readWaiters = [];
    this.lastSelfSyncAt = now;
    this.lazyCheckIndex = 0;
    this.trimRequested = 0;
    this.env.logger.log('info', `raft ${this.id}: leader of term ${this.currentTerm}`);
    this.hooks.onRoleChange('leader', this.currentTerm, this.id);
    // The no-op commits every entry of earlier terms with it (Raft §5.4.2, §8).
    this.noopIndex = this.propose([
      { type: RecordType.noop, engineVersion: 0, writerId: 0, writerSeq: 0, payload: new Uint8Array(0) },
    ]);
    this.resetElectionTimer();
    this.armHeartbeat();
  }

  // --- Log changes -------------------------------------------------------------------------

  private appendLocal(entries: readonly LogEntry[]): void {
    this.storage.append(entries);
    this.cache.append(entries);
    this.hooks.onAppend(entries);
  }

  private async truncateLocal(afterIndex: number): Promise<void> {
    assert(afterIndex >= this.commitIndexValue, `raft ${this.id}: truncating committed entries after ${afterIndex}`);
    this.truncations++;
    this.durableIndex = Math.min(this.durableIndex, afterIndex);
    this.selfSyncRequested = Math.min(this.selfSyncRequested, afterIndex);
    this.cache.truncateAfter(afterIndex);
    this.hooks.onTruncate(afterIndex);
    await this.storage.truncateAfter(afterIndex);
  }

  private setCommitIndex(index: number): void {
    if (index <= this.commitIndexValue) return;
    assert(index <= this.storage.lastIndex, 'raft: commit beyond the log');
    this.commitIndexValue = index;
    if (hopTraceOn && this.roleValue === 'leader') hopMark('commit', index);
    this.hooks.onCommit(index);
  }

  /**
   * Leader, eager: syncs its own log (group commit) and counts itself once synced. It may
   * block (the storage writes inline only when its disk is idle), but only at the end of
   * the turn, once this turn's AppendEntries and answers have left: the followers' writes
   * then run while the leader's does, which started first and so usually ends first.
   * Through the libuv pool the same write cost this machine 60-90 µs more CPU (two
   * thread wake-ups), ~30 % of a leader's CPU per append under SET -P 1.
   */
  private scheduleSelfSync(): void {
    if (this.syncScheduled) return;
    this.syncScheduled = true;
    runSoon(() => {
      this.syncScheduled = false;
      if (this.stopped) return;
      this.selfSync();
    });
  }

  /**
   * Leader, lazy: decides whether its own sync is due, in turns that run anyway (each
   * proposal), so a healthy cluster under load pays no timer wake-up for it; the timer
   * (leaderSyncTimerMs) only covers a leader left with unsynced entries and no proposals.
   * The window: entries up to lazyCheckIndex were all appended by lazyCheckAt; once
   * they are committed (or covered by a requested sync) the next proposal opens a new one.
   */
  private lazySyncCheck(): void {
    const last = this.storage.lastIndex;
    if (Math.max(this.durableIndex, this.selfSyncRequested) >= last) {
      this.lazyCheckIndex = 0; // all synced, or a sync covering everything is on its way
      return;
    }
    const now = this.env.clock.now();
    if (this.lazyCheckIndex !== 0 && (this.commitIndexValue >= this.lazyCheckIndex || this.selfSyncRequested >= this.lazyCheckIndex)) {
      this.lazyCheckIndex = 0; // the window's entries are safe: the next one starts now
    }
    if (this.lazyCheckIndex === 0) {
      this.lazyCheckIndex = last;
      this.lazyCheckAt = now;
    } else if (now - this.lazyCheckAt >= this.leaderSyncLagMs) {
      // Entries waited the lag without a majority: a follower is slow or gone, and this
      // node's copy is needed for 2 of 3.
      this.leaderSyncStats.lag++;
      this.lazyCheckIndex = 0;
      this.scheduleSelfSync();
      return;
    }
    if (now - this.lastSelfSyncAt >= this.leaderSyncPeriodMs) {
      this.leaderSyncStats.period++;
      this.scheduleSelfSync();
      return;
    }
    this.lazySyncTimer ??= this.env.clock.setTimer(this.leaderSyncTimerMs, () => {
      this.lazySyncTimer = undefined;
      if (!this.stopped && this.roleValue === 'leader') this.lazySyncCheck();
    });
  }

  /**
   * Whether a follower is behind (probing, or its window of batches made no progress for
   * leaderSyncLagMs): the leader's own copy is then on the commit path, so it syncs at
   * once. Checked per append (two followers): a window is cheap to look at.
   */
  private followerLagging(): boolean {
    const now = this.env.clock.now();
    for (const p of this.progress.values()) {
      if (p.state === 'probe' || (p.inflight.length > 0 && now - p.inflightSince >= this.leaderSyncLagMs)) return true;
    }
    return false;
  }

  private clearLazySyncTimer(): void {
    if (this.lazySyncTimer !== undefined) this.env.clock.clearTimer(this.lazySyncTimer);
    this.lazySyncTimer = undefined;
  }

  /** Makes the leader's log durable up to its last index; counts it once synced. */
  private selfSync(): void {
    const target = this.storage.lastIndex;
    const epoch = this.truncations;
    this.selfSyncRequested = Math.max(this.selfSyncRequested, target);
    this.lastSelfSyncAt = this.env.clock.now();
    this.storage.sync(true, true).then(
      () => {
        if (this.stopped || epoch !== this.truncations) return;
        if (target > this.durableIndex) this.durableIndex = target;
        if (hopTraceOn) hopMark('lSynced', target);
        if (this.roleValue === 'leader') this.maybeAdvanceCommit();
      },
      (error: unknown) => this.fatal(error),
    );
  }

  // --- Follower side -------------------------------------------------------------------------

  /** A failed AppendEntries answer (a method, not a closure made for every message). */
  private rejectAppendEntries(from: NodeId, m: AppendEntries, conflictIndex: number): void {
    const response: AppendEntriesResponse = {
      kind: 'appendEntriesResponse',
      term: this.currentTerm,
      success: false,
      matchIndex: 0,
      prevLogIndex: m.prevLogIndex,
      conflictIndex,
      probe: m.probe,
    };
    this.send(from, response);
  }

  /** Synchronous unless the term must be saved first or the log cut (then a promise). */
  private onAppendEntries(from: NodeId, m: AppendEntries): void | Promise<void> {
    if (m.term < this.currentTerm) {
      this.rejectAppendEntries(from, m, 0); // stale leader: our term in the answer makes it step down
      return;
    }
    if (m.term === this.currentTerm && this.roleValue === 'leader') {
      throw new AssertionError(`raft ${this.id}: two leaders in term ${m.term} (${this.id} and ${m.leaderId})`);
    }
    if (this.becomeFollower(m.term, m.leaderId)) return this.persistHardState().then(() => this.acceptAppendEntries(from, m));
    return this.acceptAppendEntries(from, m);
  }

  /** onAppendEntries once the term is saved: the log-matching check, then the append. */
  private acceptAppendEntries(from: NodeId, m: AppendEntries): void | Promise<void> {
    if (this.stopped || this.currentTerm !== m.term) return;
    this.lastLeaderContactAt = this.env.clock.now();

    let prev = m.prevLogIndex;
    let entries = m.entries;
    const trimPoint = this.storage.firstIndex - 1;
    if (prev < trimPoint) {
      // Entries at or below our trim point were committed, so they match the leader's.
      entries = entries.filter((e) => e.index > trimPoint);
      prev = trimPoint;
    } else if (prev > this.storage.lastIndex) {
      this.rejectAppendEntries(from, m, this.storage.lastIndex + 1);
      return;
    } else {
      const termHere = this.termAt(prev);
      if (termHere !== m.prevLogTerm) {
        assert(prev > this.commitIndexValue, `raft ${this.id}: committed entry ${prev} conflicts with the leader`);
        // Skip back over the whole conflicting term at once (Raft §5.3's optimization).
        let conflict = prev;
        while (
          conflict - 1 > this.commitIndexValue &&
          conflict - 1 >= this.storage.firstIndex &&
          this.termAt(conflict - 1) === termHere
        ) {
          conflict--;
        }
        this.rejectAppendEntries(from, m, conflict);
        return;
      }
    }
    // Skip entries we already hold; cut our log at the first conflict; append the rest.
    let firstNew = 0;
    for (; firstNew < entries.length; firstNew++) {
      const entry = entries[firstNew]!;
      if (entry.index > this.storage.lastIndex) break;
      if (this.termAt(entry.index) !== entry.term) {
        const at = firstNew;
        return this.truncateLocal(entry.index - 1).then(() => {
          if (this.stopped || this.currentTerm !== m.term) return;
          this.appendFromLeader(from, m, entries, at);
        });
      }
    }
    this.appendFromLeader(from, m, entries, firstNew);
  }

  /**
   * Appends entries[firstNew..] (the log matches the leader's up to them), advances the
   * commit index and answers once the entries the answer vouches for are synced.
   */
  private appendFromLeader(from: NodeId, m: AppendEntries, entries: readonly LogEntry[], firstNew: number): void {
    if (firstNew < entries.length) {
      const fresh = firstNew === 0 ? entries : entries.slice(firstNew);
      assert(fresh[0]!.index === this.storage.lastIndex + 1, 'raft: follower append leaves a gap');
      this.appendLocal(fresh);
    }
    const lastVerified = m.prevLogIndex + m.entries.length;
    if (hopTraceOn && m.entries.length > 0) {
      hopMark('fRead', lastVerified, hopReadAtUs);
      hopMark('fHandle', lastVerified);
    }
    this.setCommitIndex(Math.min(m.leaderCommit, lastVerified));
    if (m.trimBeforeId > this.trimApplied) this.trimFollower(m.trimBeforeId);

    const success: AppendEntriesResponse = {
      kind: 'appendEntriesResponse',
      term: m.term,
      success: true,
      matchIndex: lastVerified,
      prevLogIndex: m.prevLogIndex,
      conflictIndex: 0,
      probe: m.probe,
    };
    if (this.canaryAckBeforeSync || lastVerified <= this.durableIndex) {
      this.send(from, success);
      return;
    }
    // Answer once synced, unless the log was cut or the term moved on meanwhile (then the
    // leader's retransmission gets the answer).
    const target = this.storage.lastIndex;
    const epoch = this.truncations;
    this.storage.sync(true).then(
      () => {
        if (this.stopped || epoch !== this.truncations) return;
        if (target > this.durableIndex) this.durableIndex = target;
        if (hopTraceOn) hopMark('fSynced', target);
        if (this.currentTerm === m.term) this.send(from, success);
      },
      (error: unknown) => this.fatal(error),
    );
  }

  private trimFollower(trimBeforeId: number): void {
    const point = Math.min(trimBeforeId, this.commitIndexValue + 1);
    if (point <= this.trimApplied) return;
    this.trimApplied = point;
    this.runTrim();
  }

  // --- Leader side -------------------------------------------------------------------------

  private armHeartbeat(): void {
    if (this.stopped || this.roleValue !== 'leader') return;
    this.heartbeatTimer = this.env.clock.setTimer(this.heartbeatMs, () => {
      this.heartbeatTimer = undefined;
      this.enqueue(() => this.onHeartbeat());
    });
    this.broadcast();
  }

  private onHeartbeat(): void {
    if (this.roleValue !== 'leader') return;
    this.probeRound++;
    this.armHeartbeat();
  }

  /** Sends every follower what it lacks, or a heartbeat (prev = its match) if nothing. */
  private broadcast(): void {
    const now = this.env.clock.now();
    for (const [peer, p] of this.progress) {
      if (p.state === 'replicate' && p.inflight.length > 0 && now - p.inflightSince >= this.stallMs) {
        this.toProbe(p, p.match + 1);
      }
      if (p.state === 'probe' && p.probeOutstanding && now - p.probeSentAt >= this.heartbeatMs) {
        p.probeOutstanding = false;
      }
      const sent = this.sendEntries(peer, p);
      // A follower sent something within the last heartbeat interval needs no heartbeat:
      // it heard from this leader (its timer was reset) and learned the commit index then
      // or learns it with the next batch, or with the next heartbeat if none comes. Under
      // load this saves a message and its ack per follower per heartbeat (read-index
      // rounds send their own, see startReadRound).
      if (!sent && !p.reading && now - p.lastSentAt >= this.heartbeatMs) this.sendHeartbeat(peer, p);
    }
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    runSoon(() => {
      this.flushScheduled = false;
      if (this.stopped || this.roleValue !== 'leader') return;
      for (const [peer, p] of this.progress) this.sendEntries(peer, p);
    });
  }

  private toProbe(p: Progress, next: number): void {
    p.state = 'probe';
    p.next = Math.max(1, next);
    p.inflight = [];
    p.probeOutstanding = false;
  }

  private sendHeartbeat(peer: NodeId, p: Progress): void {
    const prev = Math.max(p.match, this.storage.firstIndex - 1);
    const prevTerm = this.termAt(prev);
    if (prevTerm === undefined) return;
    p.lastSentAt = this.env.clock.now();
    this.send(peer, {
      kind: 'appendEntries',
      term: this.currentTerm,
      leaderId: this.id,
      prevLogIndex: prev,
      prevLogTerm: prevTerm,
      entries: [],
      leaderCommit: this.commitIndexValue,
      probe: this.probeRound,
      trimBeforeId: this.trimApplied,
    });
  }

  /** Sends what the window allows; returns whether anything was sent (or a read started). */
  private sendEntries(peer: NodeId, p: Progress): boolean {
    let sent = false;
    for (;;) {
      if (p.reading) return true;
      if (p.state === 'probe' && p.probeOutstanding) return sent;
      if (p.state === 'replicate' && (p.inflight.length >= this.inFlightMax || p.next > this.storage.lastIndex)) {
        return sent;
      }
      const from = Math.max(p.next, this.storage.firstIndex);
      const last = this.storage.lastIndex;
      if (p.state === 'probe') {
        // A probe carries no entries: it only finds where the logs agree, so a follower
        // far behind (or diverged) costs round trips, not rejected batches.
        this.sendBatch(peer, p, from - 1, []);
        return true;
      }
      if (from > last) return sent;
      const cached = this.cache.get(from, last, this.batchCountMax, this.batchBytesMax);
      if (cached === undefined) {
        this.readThenSend(peer, p, from, last);
        return true;
      }
      this.cutAtAppendBoundary(cached);
      this.sendBatch(peer, p, from - 1, cached);
      sent = true;
    }
  }

  /**
   * Ends a batch between two client appends rather than inside one (when the batch
   * holds more than one append), so a follower that becomes leader after its old leader
   * died mid-stream holds each append whole or not at all.
   */
  private cutAtAppendBoundary(entries: LogEntry[]): void {
    const lastEntry = entries[entries.length - 1]!;
    if (lastEntry.writerId === 0) return;
    const next = this.cache.get(lastEntry.index + 1, lastEntry.index + 1, 1, Number.MAX_SAFE_INTEGER)?.[0];
    if (next === undefined || next.writerId !== lastEntry.writerId || next.writerSeq !== lastEntry.writerSeq) return;
    let keep = entries.length - 1;
    while (keep > 0 && entries[keep - 1]!.writerId === lastEntry.writerId && entries[keep - 1]!.writerSeq === lastEntry.writerSeq) {
      keep--;
    }
    if (keep > 0) entries.length = keep;
  }

  private readThenSend(peer: NodeId, p: Progress, from: number, last: number): void {
    p.reading = true;
    const term = this.currentTerm;
    const to = Math.min(last, from + this.batchCountMax - 1);
    this.storage.read(from, to, this.batchBytesMax).then(
      (entries) => {
        p.reading = false;
        if (this.stopped || this.roleValue !== 'leader' || this.currentTerm !== term) return;
        if (this.progress.get(peer) !== p) return;
        if (entries.length > 0 && entries[0]!.index === Math.max(p.next, this.storage.firstIndex)) {
          this.sendBatch(peer, p, from - 1, entries);
        }
        this.sendEntries(peer, p);
      },
      (error: unknown) => this.fatal(error),
    );
  }

  private sendBatch(peer: NodeId, p: Progress, prev: number, entries: readonly LogEntry[]): void {
    const prevTerm = this.termAt(prev);
    if (prevTerm === undefined) {
      this.env.logger.log('warn', `raft ${this.id}: node ${peer} needs entries before ${prev + 1}, trimmed here`);
      p.probeOutstanding = true;
      p.probeSentAt = this.env.clock.now();
      return;
    }
    const reuse = this.lastBatch;
    let message: AppendEntries;
    if (
      reuse !== undefined &&
      entries.length > 0 &&
      reuse.prevLogIndex === prev &&
      reuse.entries.length === entries.length &&
      reuse.term === this.currentTerm &&
      reuse.prevLogTerm === prevTerm &&
      reuse.leaderCommit === this.commitIndexValue &&
      reuse.probe === this.probeRound &&
      reuse.trimBeforeId === this.trimApplied
    ) {
      message = reuse;
    } else {
      message = {
        kind: 'appendEntries',
        term: this.currentTerm,
        leaderId: this.id,
        prevLogIndex: prev,
        prevLogTerm: prevTerm,
        entries,
        leaderCommit: this.commitIndexValue,
        probe: this.probeRound,
        trimBeforeId: this.trimApplied,
      };
      if (entries.length > 0) this.lastBatch = message;
    }
    const last = prev + entries.length;
    if (p.state === 'probe') {
      p.probeOutstanding = true;
      p.probeSentAt = this.env.clock.now();
    } else {
      if (p.inflight.length === 0) p.inflightSince = this.env.clock.now();
      p.inflight.push(last);
      p.next = last + 1;
    }
    p.lastSentAt = this.env.clock.now();
    this.send(peer, message);
  }

  /** Synchronous unless a newer term must be saved (then a promise). */
  private onAppendEntriesResponse(from: NodeId, m: AppendEntriesResponse): void | Promise<void> {
    if (m.term > this.currentTerm) {
      if (this.becomeFollower(m.term, 0)) return this.persistHardState();
      return;
    }
    if (this.roleValue !== 'leader' || m.term !== this.currentTerm) return;
    const p = this.progress.get(from);
    if (p === undefined) return;
    p.lastAckAt = this.env.clock.now();
    if (hopTraceOn && m.success) hopMark(`ackRead${from}`, m.matchIndex, hopReadAtUs);
    if (m.probe > p.ackedProbe) {
      p.ackedProbe = m.probe;
      this.checkReadWaiters();
    }
    if (m.success) {
      if (m.matchIndex > p.match) {
        p.match = m.matchIndex;
        p.inflightSince = p.lastAckAt;
        while (p.inflight.length > 0 && p.inflight[0]! <= p.match) p.inflight.shift(); // ascending, <= 16
      }
      if (p.state === 'probe') {
        p.state = 'replicate';
        p.next = p.match + 1;
        p.inflight = [];
        p.probeOutstanding = false;
      } else if (p.next <= p.match) {
        p.next = p.match + 1;
      }
      this.maybeAdvanceCommit();
      this.maybeTrim();
      this.sendEntries(from, p);
      return;
    }
    if (m.conflictIndex === 0) return; // a rejection from an older term's view
    if (m.prevLogIndex < p.match) return; // stale: that prefix was acknowledged since
    const next = Math.max(1, Math.min(m.conflictIndex, m.prevLogIndex));
    if (next < this.storage.firstIndex && !p.warnedTrimmed) {
      // No snapshot transfer exists: this follower cannot catch up until its log is
      // repaired by hand (it lost entries it had acknowledged, or was trimmed past).
      p.warnedTrimmed = true;
      this.env.logger.log('warn', `raft ${this.id}: node ${from} needs entry ${next}, trimmed here (first ${this.storage.firstIndex})`);
    }
    // A conflict at or below match means the follower lost synced entries (a corrupt
    // segment cut on restart): believe it and resend from there.
    if (next <= p.match) p.match = next - 1;
    this.toProbe(p, next);
    if (next < this.storage.firstIndex) {
      // Hopeless until repaired: probe again at the heartbeat pace, not in a tight loop.
      p.probeOutstanding = true;
      p.probeSentAt = this.env.clock.now();
      return;
    }
    this.sendEntries(from, p);
  }

  private maybeAdvanceCommit(): void {
    if (this.roleValue !== 'leader') return;
    // The quorum-th highest of our synced index and the followers' matches, by insertion
    // into a reused array (this runs on every acknowledgment: an array and a sort per call
    // were the largest allocation of a leader's append, ~2.5 KB per append at SET -P 1).
    const matches = this.matchScratch;
    matches.length = 0;
    const selfDurable = Math.min(this.durableIndex, this.storage.lastIndex);
    // What the leader counts for itself is on its disk (the canaries break this on purpose).
    if (selfDurable > this.storage.syncedIndex && !this.canaryAckBeforeSync) assert(false, `raft ${this.id}: counting ${selfDurable} above synced ${this.storage.syncedIndex}`);
    matches.push(this.canaryLeaderCountsUnsynced ? this.storage.lastIndex : selfDurable);
    for (const p of this.progress.values()) {
      let at = matches.length;
      matches.push(p.match);
      while (at > 0 && matches[at - 1]! < p.match) {
        matches[at] = matches[at - 1]!;
        at--;
      }
      matches[at] = p.match;
    }
    const candidate = matches[this.quorum - 1]!;
    // Only an entry of the current term commits by counting (Raft §5.4.2).
    if (candidate > this.commitIndexValue && this.termAt(candidate) === this.currentTerm) {
      if (candidate > selfDurable) this.leaderSyncStats.commitsOnFollowers++;
      this.setCommitIndex(candidate);
      for (const waiter of this.readWaiters) {
        if (waiter.round === 0 && this.commitIndexValue >= this.noopIndex) this.startReadRound(waiter);
      }
      this.checkReadWaiters();
      this.maybeTrim();
    }
  }

  private startReadRound(waiter: ReadWaiter): void {
    waiter.index = this.commitIndexValue;
    this.probeRound++;
    waiter.round = this.probeRound;
    // Confirm leadership now rather than at the next heartbeat (batched per turn).
    if (this.readBroadcastScheduled) return;
    this.readBroadcastScheduled = true;
    runSoon(() => {
      this.readBroadcastScheduled = false;
      if (this.stopped || this.roleValue !== 'leader') return;
      for (const [peer, p] of this.progress) if (!this.sendEntries(peer, p) && !p.reading) this.sendHeartbeat(peer, p);
    });
  }

  private checkReadWaiters(): void {
    if (this.readWaiters.length === 0) return;
    const remaining: ReadWaiter[] = [];
    for (const waiter of this.readWaiters) {
      if (waiter.round === 0) {
        remaining.push(waiter);
        continue;
      }
      let confirmations = 1;
      for (const p of this.progress.values()) if (p.ackedProbe >= waiter.round) confirmations++;
      if (confirmations >= this.quorum) waiter.resolve(waiter.index);
      else remaining.push(waiter);
    }
    this.readWaiters = remaining;
  }

  private failReadWaiters(): void {
    const waiters = this.readWaiters;
    this.readWaiters = [];
    for (const waiter of waiters) waiter.reject(new NotLeaderError(this.leaderIdValue));
  }

  private maybeTrim(): void {
    if (this.roleValue !== 'leader' || this.trimRequested <= this.trimApplied) return;
    let point = Math.min(this.trimRequested, this.commitIndexValue + 1);
    for (const p of this.progress.values()) point = Math.min(point, p.match + 1);
    if (point <= this.trimApplied) return;
    this.trimApplied = point;
    this.runTrim();
  }

  private runTrim(): void {
    if (this.trimming) return;
    this.trimming = true;
    this.enqueue(async () => {
      this.trimming = false;
      await this.storage.trimBefore(this.trimApplied);
    });
  }
}
