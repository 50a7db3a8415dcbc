// Journal record types (log nodes and their clients). Numbered explicitly and
// append-only: a number, once shipped, keeps its meaning forever; a format change
// bumps the version in the frame, never renumbers. test/journal/record-types.test.ts
// freezes this table.

export const RecordType = {
  /** A log leader's no-op at the start of its term (Raft); carries no payload. */
  noop: 1,
  /** Database effects: one atomic record per command, MULTI/EXEC or script. */
  effects: 2,
  /** A database leadership claim: sets the leader token (appended with afterId). */
  leadership: 3,
  /** A lease renewal by the current database leader. */
  leaseRenewal: 4,
  /** The running checksum of the log up to this entry, injected periodically. */
  checksum: 5,
} as const;

export type RecordTypeCode = (typeof RecordType)[keyof typeof RecordType];

/** The journal's frame format version (src/journal/storage). */
export const journalFormatVersion = 1;
