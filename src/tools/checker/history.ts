// Histories of client operations, as recorded by the fault-injection harness (a test
// process, not the server). An operation has a call time and, if the client saw an
// answer, a return time and an output. An operation that timed out or failed with an
// ambiguous error is *indeterminate*: it may have taken effect at any time after its
// call, or never (Jepsen's lesson from Redis-Raft: an error does not prove a write
// did not happen). Times are in any monotonic unit (the harness uses
// performance.now() in ms).

export interface Operation<I, O> {
  /** Unique within one history. */
  readonly id: number;
  /** The client (connection) that issued it; one operation at a time per client. */
  readonly client: number;
  /** The key it touched: histories are checked per key (P-compositionality). */
  readonly key: string;
  readonly input: I;
  readonly callMs: number;
  /** undefined: indeterminate (timed out or failed ambiguously). */
  readonly returnMs?: number;
  /** Meaningful only when returnMs is defined. */
  readonly output?: O;
}

/** Splits a history by key, keeping each key's operations in their original order. */
export function partitionByKey<I, O>(history: readonly Operation<I, O>[]): Map<string, Operation<I, O>[]> {
  const byKey = new Map<string, Operation<I, O>[]>();
  for (const op of history) {
    let list = byKey.get(op.key);
    if (list === undefined) {
      list = [];
      byKey.set(op.key, list);
    }
    list.push(op);
  }
  return byKey;
}
