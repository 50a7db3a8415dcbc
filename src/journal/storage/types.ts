// The contract between the consensus code (src/journal/raft) and the durable log
// (src/journal/storage). Both run in a log-node process, or together in one process
// in the deterministic simulation (test/journal/sim), over an injected Disk.
//
// Entry ids are Raft log indexes: dense, from 1. A trimmed log keeps the id and term
// of the last trimmed entry so that Raft's log-matching check still works at its start.

export interface LogEntry {
  /** Raft index = journal entry id. */
  readonly index: number;
  readonly term: number;
  /** A RecordType code (src/journal/record-types.ts). */
  readonly type: number;
  /** The engine version that produced the record (MemoryDB's upgrade protection). */
  readonly engineVersion: number;
  /**
   * Who appended it and their sequence number, so that a retried append is found and
   * not applied twice, even after a log-leader change (0, 0 for Raft's own entries).
   */
  readonly writerId: number;
  readonly writerSeq: number;
  readonly payload: Uint8Array;
}

export interface HardState {
  /** Raft's currentTerm. */
  readonly term: number;
  /** Node id voted for in `term`, 0 for none. */
  readonly votedFor: number;
}

export interface RecoveryReport {
  /** Entries found valid on disk. */
  readonly entryCount: number;
  /** Bytes cut from a torn or corrupt tail, 0 if none. */
  readonly truncatedBytes: number;
  /** Why the tail was cut, if it was ('torn frame', 'checksum mismatch at index N', ...). */
  readonly truncatedReason?: string;
}

export interface LogStorage {
  /** Reads the directory: verifies every frame's checksum, cuts a torn/corrupt tail. */
  open(): Promise<RecoveryReport>;
  /** Index of the first stored entry; lastIndex + 1 when none is stored. */
  readonly firstIndex: number;
  /** Index of the last stored entry (synced or not); the trim point if none is stored. */
  readonly lastIndex: number;
  /** Highest index known to be on disk (fdatasync done). */
  readonly syncedIndex: number;
  /** Term of the entry at index (also for firstIndex - 1, the trim point), or undefined. */
  term(index: number): number | undefined;
  /** Entries from..to inclusive, at most maxBytes of payload (always at least one). */
  read(from: number, to: number, maxBytes: number): Promise<LogEntry[]>;
  /** Appends after lastIndex (entries[0].index === lastIndex + 1). Not durable until sync. */
  append(entries: readonly LogEntry[]): void;
  /** Removes every entry with index > afterIndex (Raft's conflict resolution). */
  truncateAfter(afterIndex: number): Promise<void>;
  /**
   * Makes every entry appended so far durable. Concurrent calls share fsyncs (group
   * commit): a call made while one is in flight is served by the next. Resolves with
   * the synced last index.
   * `mayBlock`: the caller may have the write made synchronously, blocking the thread,
   * when the disk is idle (a follower answering its leader; a leader, whose followers'
   * writes run meanwhile). A hint: storages may ignore it.
   * `deferBlocking`: a blocking write, if one is made, waits for the end of this
   * event-loop turn, after the messages queued in it have left (a leader: its
   * AppendEntries must not wait for its own disk).
   */
  sync(mayBlock?: boolean, deferBlocking?: boolean): Promise<number>;
  loadHardState(): HardState;
  /** Writes and fsyncs the hard state before resolving (Raft: persist before answering). */
  saveHardState(state: HardState): Promise<void>;
  /** Drops whole segments whose entries all have index < beforeIndex. */
  trimBefore(beforeIndex: number): Promise<void>;
  close(): Promise<void>;
}
