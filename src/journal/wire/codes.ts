// Wire codes of the journal's TCP protocol (src/journal/wire). Frozen: a code, once
// shipped, keeps its meaning; new messages get new codes; test/journal/wire freezes them.
// Pure data; runs wherever the wire codecs run (log-node process, journal clients).

/** Version of the wire protocol, sent in the handshake; a mismatch closes the connection. */
export const wireProtocolVersion = 1;

export const WireKind = {
  // handshake (before anything else)
  hello: 1,
  auth: 2,
  authOk: 3,
  // Raft RPCs between log nodes
  requestVote: 10,
  requestVoteResponse: 11,
  appendEntries: 12,
  appendEntriesResponse: 13,
  // client requests
  append: 20,
  read: 21,
  tail: 22,
  trim: 23,
  // client responses
  appendOk: 30,
  readOk: 31,
  tailOk: 32,
  trimOk: 33,
  error: 34,
} as const;

export type WireKindCode = (typeof WireKind)[keyof typeof WireKind];

/** The tag in front of an append's condition (codec.ts; the client's in-place frame, append-frame.ts). */
export const AppendConditionTag = {
  afterId: 0,
  leaderToken: 1,
} as const;

/** JournalError codes on the wire. */
export const WireErrorCode = {
  notLeader: 1,
  tailMismatch: 2,
  fenced: 3,
  unavailable: 4,
  trimmed: 5,
  badRequest: 6,
} as const;

/** Who opens a connection: a journal client, or a log node dialing a peer. */
export const WireRole = {
  client: 0,
  peer: 1,
} as const;
