// Linearizability checker (test tooling): Wing and Gong's search with Lowe's
// memoisation, over histories split per key, as Porcupine does.
//
// Each key's history becomes a doubly linked list of call and return events in time
// order (calls before returns at equal times, so touching operations count as
// concurrent). The search walks the list: at a call it tries to linearize that
// operation now (the model accepts its output from the current state); if it can and
// the pair (set of linearized ops, state) is new, it lifts the call and its return out
// of the list and goes on from the head; at a return whose operation is not yet
// linearized it backtracks. Reaching an empty list means the history is linearizable.
// An indeterminate operation returns at +Infinity: it may be linearized anywhere after
// its call, and linearizing it last is the same as it never having happened.
//
// Invariants: the memo holds only (bitset, state) pairs already explored; the stack
// depth equals the number of set bits.

import { assert } from '../../assert.js';
import { type Operation, partitionByKey } from './history.js';
import type { Model } from './model.js';

export interface KeyVerdict<I, O> {
  readonly key: string;
  readonly result: 'ok' | 'violation' | 'unknown';
  /** On a violation: the operations linearized at the deepest point the search reached, in order. */
  readonly linearized?: readonly Operation<I, O>[];
  /** On a violation: the operation whose return could not be passed, and those concurrent with it. */
  readonly stuckAt?: Operation<I, O>;
  readonly concurrent?: readonly Operation<I, O>[];
}

export interface CheckResult<I, O> {
  readonly ok: boolean;
  readonly unknown: boolean;
  readonly keys: readonly KeyVerdict<I, O>[];
}

interface Node {
  op: number; // index into ops, -1 for the head sentinel
  isCall: boolean;
  match: Node | null; // call -> its return
  prev: Node | null;
  next: Node | null;
}

export interface CheckOptions {
  /** Search steps per key before giving up with 'unknown' (bounds exponential cases). */
  readonly stepsMax?: number;
}

export function checkLinearizable<S, I, O>(
  model: Model<S, I, O>,
  history: readonly Operation<I, O>[],
  options: CheckOptions = {},
): CheckResult<I, O> {
  const keys: KeyVerdict<I, O>[] = [];
  for (const [key, ops] of partitionByKey(history)) {
    keys.push(checkKey(model, key, ops, options.stepsMax ?? 5_000_000));
  }
  return {
    ok: keys.every((k) => k.result === 'ok'),
    unknown: keys.some((k) => k.result === 'unknown'),
    keys,
  };
}

function checkKey<S, I, O>(model: Model<S, I, O>, key: string, ops: readonly Operation<I, O>[], stepsMax: number): KeyVerdict<I, O> {
  const events: { time: number; isCall: boolean; op: number }[] = [];
  ops.forEach((op, i) => {
    assert(op.returnMs === undefined || op.returnMs >= op.callMs, `operation ${op.id} returns before its call`);
    events.push({ time: op.callMs, isCall: true, op: i });
    events.push({ time: op.returnMs ?? Infinity, isCall: false, op: i });
  });
  events.sort((a, b) => a.time - b.time || (a.isCall === b.isCall ? 0 : a.isCall ? -1 : 1));

  const head: Node = { op: -1, isCall: false, match: null, prev: null, next: null };
  let tail = head;
  const callNodes: Node[] = new Array(ops.length);
  const returnNodes: Node[] = new Array(ops.length);
  for (const e of events) {
    const node: Node = { op: e.op, isCall: e.isCall, match: null, prev: tail, next: null };
    tail.next = node;
    tail = node;
    if (e.isCall) callNodes[e.op] = node;
    else returnNodes[e.op] = node;
  }
  for (let i = 0; i < ops.length; i++) callNodes[i]!.match = returnNodes[i]!;

  const words = new Uint32Array(Math.ceil(ops.length / 32) + 1);
  const memo = new Set<string>();
  const stack: { node: Node; state: S }[] = [];
  let state = model.init();
  let entry: Node | null = head.next;
  let steps = 0;
  let deepest: number[] = [];
  let stuck = -1;
  let stuckDepth = -1;

  const lift = (call: Node): void => {
    call.prev!.next = call.next;
    if (call.next) call.next.prev = call.prev;
    const ret = call.match!;
    ret.prev!.next = ret.next;
    if (ret.next) ret.next.prev = ret.prev;
  };
  const unlift = (call: Node): void => {
    const ret = call.match!;
    ret.prev!.next = ret;
    if (ret.next) ret.next.prev = ret;
    call.prev!.next = call;
    if (call.next) call.next.prev = call;
  };

  while (head.next !== null) {
    if (++steps > stepsMax) return { key, result: 'unknown' };
    assert(entry !== null, 'search ran off the event list');
    if (entry.isCall) {
      const op = ops[entry.op]!;
      const output = op.returnMs === undefined ? undefined : op.output;
      const next = model.step(state, op.input, output);
      if (next !== undefined) {
        words[entry.op >>> 5]! |= 1 << (entry.op & 31);
        const memoKey = `${words.join(',')}|${model.key(next)}`;
        if (!memo.has(memoKey)) {
          memo.add(memoKey);
          stack.push({ node: entry, state });
          state = next;
          lift(entry);
          if (stack.length > deepest.length) deepest = stack.map((s) => s.node.op);
          entry = head.next;
          continue;
        }
        words[entry.op >>> 5]! &= ~(1 << (entry.op & 31));
      }
      entry = entry.next;
    } else {
      if (stack.length > stuckDepth) {
        stuck = entry.op;
        stuckDepth = stack.length;
      }
      if (stack.length === 0) break;
      const top = stack.pop()!;
      state = top.state;
      words[top.node.op >>> 5]! &= ~(1 << (top.node.op & 31));
      unlift(top.node);
      entry = top.node.next;
    }
  }
  if (head.next === null) return { key, result: 'ok' };
  const stuckOp = ops[stuck === -1 ? 0 : stuck]!;
  const stuckEnd = stuckOp.returnMs ?? Infinity;
  const concurrent = ops.filter(
    (o) => o !== stuckOp && o.callMs <= stuckEnd && (o.returnMs ?? Infinity) >= stuckOp.callMs,
  );
  return {
    key,
    result: 'violation',
    linearized: deepest.map((i) => ops[i]!),
    stuckAt: stuckOp,
    concurrent,
  };
}
