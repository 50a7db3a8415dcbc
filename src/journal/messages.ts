// Every message a log node sends or receives, as plain typed objects: the Raft RPCs
// between log nodes (PeerMessage) and the journal's client API (ClientRequest /
// ClientResponse). The wire codecs (src/journal/wire) encode exactly these shapes; the
// deterministic simulator (src/journal/sim) passes them as objects.
//
// Runs wherever a log node or a journal client runs (log-node process, database
// process, or the simulator in one test process).
//
// Stability: this file is the contract with the wire codecs. Kinds and fields are only
// ever ADDED, never renamed or renumbered (the `kind` strings map to frozen wire codes in
// src/journal/wire). Ids are numbers: entry ids are Raft log indexes (dense, from 1) and
// stay below 2^53.

import type { LogEntry } from './storage/types.js';

/** A log node's id: 1, 2, 3 (0 means "none" / unknown). */
export type NodeId = number;

// --- Raft RPCs between log nodes ------------------------------------------------------

/**
 * RequestVote (Raft §5.2), also used for the pre-vote round (Raft thesis §9.6): with
 * `preVote` set, the receiver answers as if the term were `term` but changes no state,
 * so a partitioned node that rejoins cannot disrupt a healthy leader by bumping terms.
 */
export interface RequestVote {
  readonly kind: 'requestVote';
  /** Candidate's term (for a pre-vote: the term it would campaign in). */
  readonly term: number;
  readonly candidateId: NodeId;
  readonly lastLogIndex: number;
  readonly lastLogTerm: number;
  readonly preVote: boolean;
}

export interface RequestVoteResponse {
  readonly kind: 'requestVoteResponse';
  /** For a real vote, the voter's current term; for a pre-vote, the term asked about. */
  readonly term: number;
  readonly voteGranted: boolean;
  readonly preVote: boolean;
}

/**
 * AppendEntries (Raft §5.3); with no entries it is the heartbeat. `probe` is the
 * leader's heartbeat round counter: the response echoes it, and a read-index request
 * (Tail) is answered once a majority has echoed a round started after the request.
 */
export interface AppendEntries {
  readonly kind: 'appendEntries';
  readonly term: number;
  readonly leaderId: NodeId;
  readonly prevLogIndex: number;
  readonly prevLogTerm: number;
  readonly entries: readonly LogEntry[];
  /** Leader's commit index; the follower commits min(leaderCommit, last entry verified). */
  readonly leaderCommit: number;
  /** Heartbeat round (monotonic per leader term). */
  readonly probe: number;
  /**
   * Entries below this id may be dropped by the follower (journal trim). The leader only
   * sends a point every node has already matched, and never above its commit index.
   */
  readonly trimBeforeId: number;
}

export interface AppendEntriesResponse {
  readonly kind: 'appendEntriesResponse';
  readonly term: number;
  readonly success: boolean;
  /**
   * On success: the follower's log matches the leader's up to this index AND those
   * entries are on its disk (fdatasync done before answering). 0 on failure.
   */
  readonly matchIndex: number;
  /** The prevLogIndex of the request answered (so the leader can ignore stale replies). */
  readonly prevLogIndex: number;
  /**
   * On failure: where the leader should retry from (first index of the conflicting term,
   * or the follower's lastIndex + 1 when its log is too short).
   */
  readonly conflictIndex: number;
  /** Echo of the request's probe. */
  readonly probe: number;
}

export type PeerMessage = RequestVote | RequestVoteResponse | AppendEntries | AppendEntriesResponse;

// --- Client API ---------------------------------------------------------------------------

/** One record of an append, as the client gives it (the node assigns index and term). */
export interface AppendRecord {
  /** A RecordType code (src/journal/record-types.ts). */
  readonly type: number;
  readonly engineVersion: number;
  readonly payload: Uint8Array;
}

/**
 * The append's precondition. `afterId`: the log's last entry id (including entries not
 * yet committed) must equal afterId. `leaderToken`: the log's current leader token (the
 * id of the latest leadership record) must equal leaderToken. Exactly one is given.
 */
export type AppendCondition = { readonly afterId: number } | { readonly leaderToken: number };

export interface AppendRequest {
  readonly kind: 'append';
  /** Chosen by the client, echoed in the response (unique per connection). */
  readonly requestId: number;
  /**
   * Retry dedup key: a writer (a database process incarnation) numbers its appends
   * 1, 2, 3, ...; an append whose (writerId, writerSeq) is already in the log is not
   * applied again: the response carries the ids it got the first time. writerId != 0.
   */
  readonly writerId: number;
  readonly writerSeq: number;
  readonly records: readonly AppendRecord[];
  readonly condition: AppendCondition;
}

/**
 * Reads committed entries from fromId on, at most maxBytes of payload (always at least
 * one entry when one is available). Any node answers, with the entries IT knows to be
 * committed (a follower may lag the leader; a reader follows the tail by re-issuing from
 * lastId + 1). With waitMs > 0 and nothing committed at fromId yet, the node holds the
 * request until an entry commits there or waitMs passes (a long poll: a stream that
 * follows the tail without busy polling).
 */
export interface ReadRequest {
  readonly kind: 'read';
  readonly requestId: number;
  readonly fromId: number;
  readonly maxBytes: number;
  readonly waitMs: number;
}

/** The id of the last committed entry, linearizable (leader only, read-index round). */
export interface TailRequest {
  readonly kind: 'tail';
  readonly requestId: number;
}

/**
 * Entries with id < beforeId may be deleted (a snapshot covers them). Leader only.
 * Advisory and clamped: the log keeps entries some node still needs, entries not yet
 * committed, and the current leadership record; whole segments are deleted.
 */
export interface TrimRequest {
  readonly kind: 'trim';
  readonly requestId: number;
  readonly beforeId: number;
}

export type ClientRequest = AppendRequest | ReadRequest | TailRequest | TrimRequest;

export interface AppendOk {
  readonly kind: 'appendOk';
  readonly requestId: number;
  /** Ids given to the records: firstId..lastId, dense, in the request's order. */
  readonly firstId: number;
  readonly lastId: number;
}

export interface ReadOk {
  readonly kind: 'readOk';
  readonly requestId: number;
  /** Committed entries from fromId on (possibly none if waitMs passed). */
  readonly entries: readonly LogEntry[];
  /** The answering node's commit index (its view of the committed tail). */
  readonly commitId: number;
}

export interface TailOk {
  readonly kind: 'tailOk';
  readonly requestId: number;
  /** The last committed entry's id (0 for an empty log). */
  readonly tailId: number;
  /** The current leader token (0 if no leadership record was ever appended). */
  readonly leaderToken: number;
}

export interface TrimOk {
  readonly kind: 'trimOk';
  readonly requestId: number;
  /** The trim point the leader adopted (entries below it will go, segment by segment). */
  readonly trimBeforeId: number;
}

/**
 * A request that failed. Error codes are stable; the client acts on them:
 * - notLeader: retry on leaderHint (0: unknown, try another node). The request was not
 *   applied by this node (an append may still have been logged by an earlier attempt:
 *   retry with the same writerSeq and dedup answers it).
 * - tailMismatch: afterId != the log's last id; tailId is that last id.
 * - fenced: leaderToken != the current token; currentToken is the current one.
 * - unavailable: the outcome is unknown (leadership lost while waiting, node shutting
 *   down, too much in flight): an append may or may not have happened; retry with the
 *   same writerSeq.
 * - trimmed: read from an id below the node's first entry; firstId is that entry.
 * - badRequest: the request breaks a rule (empty records, too large, bad ids).
 */
export type JournalError =
  | { readonly code: 'notLeader'; readonly leaderHint: NodeId }
  | { readonly code: 'tailMismatch'; readonly tailId: number }
  | { readonly code: 'fenced'; readonly currentToken: number }
  | { readonly code: 'unavailable'; readonly reason: string }
  | { readonly code: 'trimmed'; readonly firstId: number }
  | { readonly code: 'badRequest'; readonly reason: string };

export type JournalErrorCode = JournalError['code'];

export interface ErrorResponse {
  readonly kind: 'error';
  readonly requestId: number;
  readonly error: JournalError;
}

export type ClientResponse = AppendOk | ReadOk | TailOk | TrimOk | ErrorResponse;
