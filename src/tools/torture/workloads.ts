// The torture harness's workloads (main thread of the harness): registers, list-append
// and sets. Each workload runs its share of the clients, records every operation with
// its call and return time (indeterminate ones without a return), and at the end reads
// every key it used (the final reads). Keys rotate: every `generationMs` the workload
// moves to fresh keys (Jepsen's independent keys), so many clients collide on a few
// keys at a time while each key's history stays short enough for the linearizability
// search, whose cost grows with the indeterminate operations a key accumulates.
//
//   register  GET / SET <unique integer> / INCR on `registerKeyCount` keys
//   list      MULTI RPUSH k <unique> LRANGE k 0 -1 EXEC, and plain LRANGE
//   set       SADD k <unique> / SMEMBERS k
//
// Indeterminate reads are recorded as nothing: a read that returned nothing constrains
// nothing, and keeping it would only widen the search.
//
// Invariants: values are unique per run (a value seen proves which write it came from);
// SET values are multiples of setValueStride so INCRs on them never reach another SET's
// value; every recorded return time is after its call time.

import type { Operation } from '../checker/history.js';
import type { AppendOp, ReadOp } from '../checker/list-append.js';
import type { RegisterInput, RegisterOutput, SetInput, SetOutput } from '../checker/model.js';
import { Invoker, type Outcome } from './invoker.js';
import type { Reply } from './resp-client.js';
import type { Rng } from './rng.js';

export type WorkloadName = 'register' | 'list' | 'set';
export const workloadNames: readonly WorkloadName[] = ['register', 'list', 'set'];

/** SET values are multiples of this, so INCRs of one SET value never reach another. */
export const setValueStride = 1_000_000;
const registerKeyCount = 3;
const listKeyCount = 2;
const setKeyCount = 2;

export interface WorkloadContext {
  readonly port: number;
  readonly opTimeoutMs: number;
  readonly thinkMsMax: number;
  readonly generationMs: number;
  /** ms since the run started (monotonic). */
  now(): number;
  running(): boolean;
  newProcessId(): number;
  nextUnique(): number;
}

export interface OutcomeCounts {
  ok: number;
  fail: number;
  info: number;
  readonly errors: Map<string, number>;
}

export abstract class Workload {
  readonly counts: OutcomeCounts = { ok: 0, fail: 0, info: 0, errors: new Map() };
  protected readonly keys = new Set<string>();
  private nextOpId = 0;

  constructor(
    readonly name: WorkloadName,
    protected readonly ctx: WorkloadContext,
  ) {}

  /** One client's loop until the run stops. */
  async runClient(rng: Rng): Promise<void> {
    const invoker = this.invoker();
    try {
      while (this.ctx.running()) {
        const outcome = await this.step(invoker, rng);
        this.counts[outcome.kind]++;
        // After a failure, back off a little: the server is loading or unreachable.
        const pause = outcome.kind === 'ok' ? rng.int(0, this.ctx.thinkMsMax) : rng.int(20, 100);
        if (pause > 0) await sleep(pause);
      }
    } finally {
      invoker.close();
    }
  }

  /** Reads every key used, retrying until answered or `deadlineMs`; false if some key could not be read. */
  abstract finalReads(deadlineMs: number): Promise<boolean>;

  protected abstract step(invoker: Invoker, rng: Rng): Promise<Outcome>;

  protected invoker(): Invoker {
    return new Invoker(this.ctx.port, this.ctx.opTimeoutMs, () => this.ctx.now(), () => this.ctx.newProcessId(), (text) => {
      this.counts.errors.set(text, (this.counts.errors.get(text) ?? 0) + 1);
    });
  }

  protected opId(): number {
    return this.nextOpId++;
  }

  protected key(prefix: string, count: number, rng: Rng): string {
    const generation = Math.floor(this.ctx.now() / this.ctx.generationMs);
    const key = `${prefix}:${generation}:${rng.int(0, count - 1)}`;
    this.keys.add(key);
    return key;
  }

  /**
   * The final reads: `read(key)` of every key used, in key order, each retried until
   * answered or `deadlineMs`; each answer goes to `take` with the client that read it.
   * False if some key could not be read.
   */
  protected async readEveryKey(read: (key: string) => readonly string[], deadlineMs: number, take: (key: string, client: number, outcome: Outcome & { kind: 'ok' }) => void): Promise<boolean> {
    const invoker = this.invoker();
    try {
      for (const key of [...this.keys].sort()) {
        const client = invoker.processId;
        const outcome = await this.readUntilAnswered(invoker, [read(key)], false, deadlineMs);
        if (outcome === null) return false;
        take(key, client, outcome);
      }
      return true;
    } finally {
      invoker.close();
    }
  }

  /**
   * Adds one operation to `history`: a failure (it did not happen) is left out, an
   * indeterminate one is kept without a return only if it `writes` (an indeterminate
   * read constrains nothing, see above), an answered one with `output(reply)`.
   */
  protected recordOperation<I, O>(history: Operation<I, O>[], key: string, client: number, input: I, outcome: Outcome, writes: boolean, output: (reply: Reply) => O): void {
    if (outcome.kind === 'fail') return;
    if (outcome.kind === 'info') {
      if (writes) history.push({ id: this.opId(), client, key, input, callMs: outcome.callMs });
      return;
    }
    history.push({ id: this.opId(), client, key, input, callMs: outcome.callMs, returnMs: outcome.returnMs, output: output(outcome.reply) });
  }

  /** Retries one read until it is answered: the final reads must be determinate. */
  protected async readUntilAnswered(invoker: Invoker, commands: readonly (readonly string[])[], multi: boolean, deadlineMs: number): Promise<Outcome & { kind: 'ok' } | null> {
    while (this.ctx.now() < deadlineMs) {
      const outcome = await invoker.transaction(commands, multi);
      if (outcome.kind === 'ok') return outcome;
      await sleep(100);
    }
    return null;
  }
}

export class RegisterWorkload extends Workload {
  readonly history: Operation<RegisterInput, RegisterOutput>[] = [];

  constructor(ctx: WorkloadContext) {
    super('register', ctx);
  }

  protected async step(invoker: Invoker, rng: Rng): Promise<Outcome> {
    const key = this.key('reg', registerKeyCount, rng);
    const roll = rng.next();
    const input: RegisterInput = roll < 0.4 ? { op: 'get' } : roll < 0.8 ? { op: 'set', value: String(this.ctx.nextUnique() * setValueStride) } : { op: 'incr' };
    const process = invoker.processId;
    const args = input.op === 'get' ? ['GET', key] : input.op === 'set' ? ['SET', key, input.value] : ['INCR', key];
    const outcome = await invoker.call(args);
    this.record(key, process, input, outcome);
    return outcome;
  }

  private record(key: string, client: number, input: RegisterInput, outcome: Outcome): void {
    this.recordOperation(this.history, key, client, input, outcome, input.op !== 'get', (r): RegisterOutput => (typeof r === 'number' ? String(r) : typeof r === 'string' ? r : null));
  }

  finalReads(deadlineMs: number): Promise<boolean> {
    return this.readEveryKey((key) => ['GET', key], deadlineMs, (key, client, outcome) => this.record(key, client, { op: 'get' }, outcome));
  }

  /** The final GET of each key (the last read recorded for it). */
  finalValues(): Map<string, RegisterOutput> {
    const values = new Map<string, RegisterOutput>();
    for (const op of this.history) if (op.input.op === 'get' && op.returnMs !== undefined) values.set(op.key, op.output ?? null);
    return values;
  }
}

export class SetWorkload extends Workload {
  readonly history: Operation<SetInput, SetOutput>[] = [];

  constructor(ctx: WorkloadContext) {
    super('set', ctx);
  }

  protected async step(invoker: Invoker, rng: Rng): Promise<Outcome> {
    const key = this.key('set', setKeyCount, rng);
    const input: SetInput = rng.next() < 0.7 ? { op: 'add', value: String(this.ctx.nextUnique()) } : { op: 'read' };
    const process = invoker.processId;
    const outcome = await invoker.call(input.op === 'add' ? ['SADD', key, input.value] : ['SMEMBERS', key]);
    this.record(key, process, input, outcome);
    return outcome;
  }

  private record(key: string, client: number, input: SetInput, outcome: Outcome): void {
    this.recordOperation(this.history, key, client, input, outcome, input.op === 'add', (r): SetOutput => (Array.isArray(r) ? r.map(String) : []));
  }

  finalReads(deadlineMs: number): Promise<boolean> {
    return this.readEveryKey((key) => ['SMEMBERS', key], deadlineMs, (key, client, outcome) => this.record(key, client, { op: 'read' }, outcome));
  }

  finalMembers(): Map<string, readonly string[]> {
    const members = new Map<string, readonly string[]>();
    for (const op of this.history) if (op.input.op === 'read' && op.returnMs !== undefined) members.set(op.key, op.output ?? []);
    return members;
  }
}

export class ListWorkload extends Workload {
  readonly appends: AppendOp[] = [];
  readonly reads: ReadOp[] = [];
  readonly finalLists = new Map<string, readonly string[]>();
  /** When each final read was called and answered. */
  readonly finalReadTimes = new Map<string, { callMs: number; returnMs: number }>();

  constructor(ctx: WorkloadContext) {
    super('list', ctx);
  }

  protected async step(invoker: Invoker, rng: Rng): Promise<Outcome> {
    const key = this.key('list', listKeyCount, rng);
    if (rng.next() < 0.2) {
      const outcome = await invoker.call(['LRANGE', key, '0', '-1']);
      if (outcome.kind === 'ok') this.reads.push({ key, callMs: outcome.callMs, returnMs: outcome.returnMs, values: asStrings(outcome.reply) });
      return outcome;
    }
    const value = String(this.ctx.nextUnique());
    const outcome = await invoker.transaction([['RPUSH', key, value], ['LRANGE', key, '0', '-1']]);
    if (outcome.kind === 'info') this.appends.push({ key, value, callMs: outcome.callMs });
    if (outcome.kind === 'ok') {
      const exec = Array.isArray(outcome.reply) ? outcome.reply : [];
      this.appends.push({ key, value, callMs: outcome.callMs, returnMs: outcome.returnMs });
      this.reads.push({ key, callMs: outcome.callMs, returnMs: outcome.returnMs, values: asStrings(exec[1] ?? []) });
    }
    return outcome;
  }

  finalReads(deadlineMs: number): Promise<boolean> {
    return this.readEveryKey((key) => ['LRANGE', key, '0', '-1'], deadlineMs, (key, _client, outcome) => {
      this.finalLists.set(key, asStrings(outcome.reply));
      this.finalReadTimes.set(key, { callMs: outcome.callMs, returnMs: outcome.returnMs });
    });
  }
}

function asStrings(reply: unknown): string[] {
  return Array.isArray(reply) ? reply.map(String) : [];
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
