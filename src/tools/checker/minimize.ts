// Shrinking a key's history (test tooling, harness process): pruning before the
// linearizability search, and cutting a violating history down to a small failing
// piece for the report.
//
// Only *sound* reductions are used: a reduction R is sound when "H linearizable implies
// R(H) linearizable", so a violation found in R(H) is a violation of H itself, never an
// artefact of the cut. The reductions:
// - a prefix: the operations called up to time T, those still running at T made
//   indeterminate (linearizability is prefix-closed);
// - dropping a read (a read changes no state);
// - dropping a write nobody observed: no remaining operation's output shows its value
//   or anything derived from it (for a register, an INCR of it), so in any
//   linearization no operation runs on the state it made and removing it keeps the
//   linearization valid.
// - for a register, dropping a SET together with every operation that observed its
//   value or a value derived from it: in a linearization those operations are exactly
//   the stretch from that SET to the next write that replaced its value, and cutting a
//   stretch that ends where the value is overwritten leaves the rest valid (its
//   indeterminate INCRs may be linearized never).
// An indeterminate write nobody observed may also be dropped before checking: it may
// equally never have happened, so this reduction is sound in both directions and only
// spares the search from trying it everywhere.
//
// Invariants: every function returns a subset of its input's operations (some made
// indeterminate), in the input's order; minimizeViolation returns a history that the
// checker still finds violating.

import type { Operation } from './history.js';
import { checkLinearizable } from './linearizability.js';
import type { Model, RegisterInput, RegisterOutput, SetInput, SetOutput } from './model.js';

export interface Reducer<I, O> {
  /** May `op` be dropped from `ops` (which contains it) soundly? */
  droppable(op: Operation<I, O>, ops: readonly Operation<I, O>[]): boolean;
  /** Groups of operations that may be dropped together soundly (each a unit). */
  groups?(ops: readonly Operation<I, O>[]): Operation<I, O>[][];
}

/** Registers and counters: `stride` is the gap between SET values, so INCRs of one never reach another. */
export function registerReducer(stride: number): Reducer<RegisterInput, RegisterOutput> {
  const observes = (output: RegisterOutput | undefined, value: string): boolean => {
    if (output === undefined || output === null) return false;
    if (output === value) return true;
    if (!/^-?\d+$/.test(output) || !/^-?\d+$/.test(value)) return false;
    const d = BigInt(output) - BigInt(value);
    return d >= 0n && d < BigInt(stride);
  };
  return {
    droppable(op, ops) {
      if (op.input.op === 'get') return true;
      if (op.input.op === 'incr') return false;
      const value = op.input.value;
      return !ops.some((o) => o !== op && o.returnMs !== undefined && observes(o.output, value));
    },
    groups(ops) {
      const groups: Operation<RegisterInput, RegisterOutput>[][] = [];
      for (const op of ops) {
        if (op.input.op !== 'set') continue;
        const value = op.input.value;
        groups.push([op, ...ops.filter((o) => o !== op && o.returnMs !== undefined && o.input.op !== 'set' && observes(o.output, value))]);
      }
      return groups;
    },
  };
}

export const setReducer: Reducer<SetInput, SetOutput> = {
  droppable(op, ops) {
    if (op.input.op === 'read') return true;
    const value = op.input.value;
    return !ops.some((o) => o.input.op === 'read' && o.returnMs !== undefined && (o.output ?? []).includes(value));
  },
};

/** Drops indeterminate operations that the reducer may drop (they may never have happened). */
export function pruneIndeterminate<I, O>(reducer: Reducer<I, O>, ops: readonly Operation<I, O>[]): Operation<I, O>[] {
  return ops.filter((op) => op.returnMs !== undefined || !reducer.droppable(op, ops));
}

/** The operations called at or before `t`; those not returned by `t` become indeterminate. */
export function prefixAt<I, O>(ops: readonly Operation<I, O>[], t: number): Operation<I, O>[] {
  const out: Operation<I, O>[] = [];
  for (const op of ops) {
    if (op.callMs > t) continue;
    if (op.returnMs !== undefined && op.returnMs > t) out.push({ id: op.id, client: op.client, key: op.key, input: op.input, callMs: op.callMs });
    else out.push(op);
  }
  return out;
}

export interface MinimizeOptions {
  readonly stepsMax?: number;
  /** Stop shrinking after this many checker runs (the piece is then merely smaller). */
  readonly checksMax?: number;
}

/** A small piece of a violating single-key history that still violates. */
export function minimizeViolation<S, I, O>(
  model: Model<S, I, O>,
  reducer: Reducer<I, O>,
  ops: readonly Operation<I, O>[],
  options: MinimizeOptions = {},
): Operation<I, O>[] {
  const stepsMax = options.stepsMax ?? 200_000;
  let checksLeft = options.checksMax ?? 3000;
  const violates = (h: readonly Operation<I, O>[]): boolean => {
    checksLeft--;
    const r = checkLinearizable(model, h, { stepsMax });
    return r.keys.some((k) => k.result === 'violation');
  };
  // The earliest failing prefix, by binary search over call times (prefixes of a
  // linearizable history are linearizable, so failing is monotone in t).
  const times = [...new Set(ops.map((o) => o.callMs))].sort((a, b) => a - b);
  let lo = 0;
  let hi = times.length - 1;
  while (lo < hi && checksLeft > 0) {
    const mid = (lo + hi) >>> 1;
    if (violates(prefixAt(ops, times[mid]!))) hi = mid;
    else lo = mid + 1;
  }
  let current = prefixAt(ops, times[hi] ?? Infinity);
  if (!violates(current)) current = [...ops];
  // Indeterminate reads say nothing; drop them first, then try each droppable op,
  // latest first (late operations are the ones least likely to matter once cut).
  current = current.filter((o) => o.returnMs !== undefined || !reducer.droppable(o, current) || !isPureRead(model, o));
  const dropSingles = (): void => {
    for (let i = current.length - 1; i >= 0 && checksLeft > 0; i--) {
      const op = current[i];
      if (op === undefined || !reducer.droppable(op, current)) continue;
      const without = current.filter((o) => o !== op);
      if (violates(without)) current = without;
    }
  };
  dropSingles();
  if (reducer.groups !== undefined) {
    const groups = reducer.groups(current).reverse();
    for (const group of groups) {
      if (checksLeft <= 0) break;
      if (!current.includes(group[0]!)) continue;
      const without = current.filter((o) => !group.includes(o));
      if (violates(without)) current = without;
    }
    dropSingles();
  }
  return current;
}

/** An operation whose step never changes the state (a read). */
function isPureRead<S, I, O>(model: Model<S, I, O>, op: Operation<I, O>): boolean {
  const s = model.init();
  const next = model.step(s, op.input, undefined);
  return next !== undefined && model.key(next) === model.key(s);
}
