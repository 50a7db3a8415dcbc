// What INFO persistence / replication show about the durable write path (engine worker:
// the engine-worker builds it from the tracker and the shared state, src/engine/info.ts
// prints it). Plain data, no code at load.

export interface DurabilityInfo {
  /** False with --journal none (writes are not durable). */
  readonly journal: boolean;
  /** The journal is being replayed (start or reload): clients get -LOADING. */
  readonly loading: boolean;
  /** Last seq given to an effect record, and the highest committed. */
  readonly latestSeq: number;
  readonly committedSeq: number;
  /** Journal id of the last committed append. */
  readonly committedId: number;
  readonly appendCount: number;
  /** Append latency over a recent window, microseconds. */
  readonly appendLatencyP50Us: number;
  readonly appendLatencyP99Us: number;
  /** Replies held by the tracker right now. */
  readonly heldReplies: number;
  /** Records replayed at the last load. */
  readonly loadedRecords: number;
}
