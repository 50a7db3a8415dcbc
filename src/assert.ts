// Always-on assertions for invariants (TIGER_STYLE): a broken invariant is a bug in
// KeelDB, never a client's mistake, so it throws instead of replying with an error.
// Client mistakes become error replies at the edge; see src/limits.ts.

export class AssertionError extends Error {
  override name = 'AssertionError';
}

export function assert(condition: unknown, message = 'assertion failed'): asserts condition {
  if (!condition) throw new AssertionError(message);
}

export function unreachable(value: never, message = 'unreachable'): never {
  throw new AssertionError(`${message}: ${String(value)}`);
}
