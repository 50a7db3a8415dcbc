// The differential harness (test process, main thread): one redis-server (the oracle)
// and one subject (KeelDB, or a second redis-server for a self-check) per test file;
// each case opens fresh connections to both, FLUSHALLs, then sends every step to both
// at once and compares the raw replies, byte for byte unless the step names a
// comparator (comparators.ts says which differences are legitimate and why).
//
// A case collects every mismatch (command, redis bytes, subject bytes) and fails at the
// end with the full list, so one run shows all differences of a case, not just the
// first. With KEELDB_DIFF_LOG=<file>, each mismatch is also appended there as a JSON
// line (for routing findings). A reply that never comes or a closed connection is an
// outcome like any other ('<timeout>', '<closed>') and is compared the same way.

import fs from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ServerHandle } from './child-server.js';
import { bytes, hello, type Comparator } from './comparators.js';
import { startRedis } from './redis-oracle.js';
import { showBytes } from './resp-decode.js';
import { ConnClosedError, encodeCommand, RespConn, ReplyTimeoutError, type Arg } from './resp-conn.js';
import { startSubject } from './subject.js';

export type Outcome = Buffer | '<closed>' | '<timeout>' | '<no-connection>';
export type SideName = 'redis' | 'subject';

export interface StepOptions {
  conn?: number;
  cmp?: Comparator;
  /** Reply wait; lower it where a missing reply is a plausible subject bug. */
  timeoutMs?: number;
}

export function showOutcome(o: Outcome): string {
  return typeof o === 'string' ? o : showBytes(o);
}

function showArgs(args: readonly Arg[]): string {
  return args.map((a) => (Buffer.isBuffer(a) ? `<${a.length} bytes>` : String(a))).join(' ');
}

async function outcomeOf(p: Promise<Buffer>): Promise<Outcome> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof ReplyTimeoutError) return '<timeout>';
    if (err instanceof ConnClosedError) return '<closed>';
    return '<closed>';
  }
}

export class DiffPair {
  private constructor(
    readonly oracle: ServerHandle,
    readonly subject: ServerHandle,
    readonly options: { requirepass?: string },
  ) {}

  /** `subject: 'redis'` forces a second redis-server (the harness's own canary tests). */
  static async start(options: { requirepass?: string; subject?: 'redis' } = {}): Promise<DiffPair> {
    const startOther = options.subject === 'redis' ? startRedis : startSubject;
    const [oracle, subject] = await Promise.allSettled([startRedis(options), startOther(options)]);
    if (oracle.status === 'rejected' || subject.status === 'rejected') {
      if (oracle.status === 'fulfilled') await oracle.value.stop();
      if (subject.status === 'fulfilled') await subject.value.stop();
      throw oracle.status === 'rejected' ? oracle.reason : (subject as PromiseRejectedResult).reason;
    }
    return new DiffPair(oracle.value, subject.value, options);
  }

  async stop(): Promise<void> {
    await Promise.all([this.oracle.stop(), this.subject.stop()]);
  }

  /**
   * Opens `conns` connections to each server; AUTH (when the pair has a password) and
   * FLUSHALL on the first; with proto 3, HELLO 3 on every connection (compared with the
   * HELLO comparator: version and id are the servers' own).
   */
  async open(label: string, options: CaseOptions = {}): Promise<DiffCase> {
    const c = new DiffCase(label, this);
    const connCount = options.conns ?? 1;
    for (let i = 0; i < connCount; i++) await c.connect();
    if (options.setup !== 'none') {
      for (const side of [c.redisConns, c.subjectConns]) {
        const conn = side[0];
        if (conn === undefined || conn === null) continue;
        if (this.options.requirepass !== undefined) await outcomeOf(conn.send(['AUTH', this.options.requirepass]));
        await outcomeOf(conn.send(['FLUSHALL']));
      }
      if (options.proto === 3) {
        for (let i = 0; i < connCount; i++) {
          const auth = this.options.requirepass !== undefined ? ['AUTH', 'default', this.options.requirepass] : [];
          await c.cmd(['HELLO', '3', ...auth], { conn: i, cmp: hello });
        }
      }
    }
    return c;
  }
}

export interface CaseOptions {
  /** Connections per server (WATCH from two clients needs two). */
  conns?: number;
  /** 3: switch every connection to RESP3 with HELLO 3 before the steps. */
  proto?: 2 | 3;
  /** 'none': no AUTH/FLUSHALL/HELLO (protocol and AUTH tests do their own). */
  setup?: 'flush' | 'none';
}

export class DiffCase {
  readonly redisConns: (RespConn | null)[] = [];
  readonly subjectConns: (RespConn | null)[] = [];
  readonly mismatches: string[] = [];

  constructor(
    readonly label: string,
    readonly pair: DiffPair,
  ) {}

  /** Adds one more connection to each side; returns its index. */
  async connect(): Promise<number> {
    const [r, s] = await Promise.all([
      RespConn.connect(this.pair.oracle.port).catch(() => null),
      RespConn.connect(this.pair.subject.port).catch(() => null),
    ]);
    this.redisConns.push(r);
    this.subjectConns.push(s);
    return this.redisConns.length - 1;
  }

  conn(side: SideName, index = 0): RespConn | null {
    return (side === 'redis' ? this.redisConns : this.subjectConns)[index] ?? null;
  }

  /** Sends one command to both servers and compares the replies. */
  async cmd(args: readonly Arg[], options: StepOptions = {}): Promise<[Outcome, Outcome]> {
    return this.each(() => args, options);
  }

  /** Like cmd, with per-server arguments (ids or ports that differ between servers). */
  async each(argsFor: (side: SideName) => readonly Arg[], options: StepOptions = {}): Promise<[Outcome, Outcome]> {
    const i = options.conn ?? 0;
    const run = (side: SideName): Promise<Outcome> => {
      const conn = this.conn(side, i);
      if (conn === null) return Promise.resolve('<no-connection>');
      return outcomeOf(conn.send(argsFor(side), options.timeoutMs));
    };
    const [r, s] = await Promise.all([run('redis'), run('subject')]);
    this.compare(showArgs(argsFor('redis')), r, s, options.cmp ?? bytes, i);
    return [r, s];
  }

  /** Writes raw bytes to both and compares the next `replies` replies. */
  async raw(data: Buffer | string, replies: number, options: StepOptions = {}): Promise<Outcome[][]> {
    const i = options.conn ?? 0;
    for (const side of ['redis', 'subject'] as const) this.conn(side, i)?.write(data);
    const out: Outcome[][] = [];
    const bytes80 = typeof data === 'string' ? data.slice(0, 80) : data.subarray(0, 80).toString('latin1');
    const label = `raw ${showBytes(bytes80)}${data.length > 80 ? '...' : ''}`;
    for (let n = 0; n < replies; n++) {
      const read = (side: SideName): Promise<Outcome> => {
        const conn = this.conn(side, i);
        return conn === null ? Promise.resolve('<no-connection>') : outcomeOf(conn.readReply(options.timeoutMs));
      };
      const [r, s] = await Promise.all([read('redis'), read('subject')]);
      this.compare(`${label} (reply ${n + 1})`, r, s, options.cmp ?? bytes, i);
      out.push([r, s]);
    }
    return out;
  }

  /** Sends a command that must get no reply (CLIENT REPLY OFF/SKIP): compares what arrives. */
  async silent(args: readonly Arg[], options: StepOptions & { waitMs?: number } = {}): Promise<void> {
    const i = options.conn ?? 0;
    const got: Outcome[] = [];
    await Promise.all(
      (['redis', 'subject'] as const).map(async (side, k) => {
        const conn = this.conn(side, i);
        if (conn === null) {
          got[k] = '<no-connection>';
          return;
        }
        conn.write(encodeCommand(args)); // no reader: the reply must never come
        got[k] = await conn.collectFor(options.waitMs ?? 150);
      }),
    );
    this.compare(`${showArgs(args)} (expecting no reply)`, got[0]!, got[1]!, bytes, i);
  }

  /** Nothing may arrive on either server's connection for waitMs (an incomplete request). */
  async expectQuiet(options: { conn?: number; waitMs?: number } = {}): Promise<void> {
    const i = options.conn ?? 0;
    const [r, s] = await Promise.all(
      (['redis', 'subject'] as const).map(async (side) => this.conn(side, i)?.collectFor(options.waitMs ?? 150) ?? Buffer.alloc(0)),
    );
    if (!r.equals(s)) this.record('(expecting no reply yet)', showBytes(r), showBytes(s), 'bytes arrived', i);
  }

  /** Both connections must be closed by the server (after QUIT or a protocol error). */
  async expectClosed(options: { conn?: number; timeoutMs?: number } = {}): Promise<void> {
    const i = options.conn ?? 0;
    const [r, s] = await Promise.all(
      (['redis', 'subject'] as const).map(async (side) => {
        const conn = this.conn(side, i);
        return conn === null ? true : conn.waitClosed(options.timeoutMs ?? 2_000);
      }),
    );
    if (r !== s) this.record(`(connection ${i} closed?)`, r ? '<closed>' : '<open>', s ? '<closed>' : '<open>', 'close differs', i);
  }

  /** Records a mismatch found by custom checks in a test. */
  note(what: string, redis: string, subject: string): void {
    this.mismatches.push(`${what}\n    redis:  ${redis}\n    subject: ${subject}`);
    logMismatch(this.label, what, redis, subject, 'custom check');
  }

  private compare(what: string, r: Outcome, s: Outcome, cmp: Comparator, conn: number): void {
    let reason: string | null;
    // redis-server never leaves a command unanswered here: if it did, the test is wrong.
    if (r === '<timeout>') reason = 'redis-server gave no reply: the test itself is wrong';
    else if (typeof r === 'string' || typeof s === 'string') reason = r === s ? null : 'outcome differs';
    else reason = cmp(r, s);
    if (reason === null) return;
    if (Buffer.isBuffer(r) && Buffer.isBuffer(s)) {
      // Long replies: show the neighbourhood of the first differing byte.
      let at = 0;
      while (at < r.length && at < s.length && r[at] === s[at]) at++;
      const from = Math.max(0, at - 60);
      const clip = (b: Buffer): string => (from > 0 ? '...' : '') + showBytes(b.subarray(from, from + 300)) + (b.length > from + 300 ? `... (${b.length} bytes)` : '');
      this.record(what, clip(r), clip(s), `${reason}; first difference at byte ${at}`, conn);
    } else {
      this.record(what, showOutcome(r).slice(0, 400), showOutcome(s).slice(0, 400), reason, conn);
    }
  }

  private record(what: string, r: string, s: string, reason: string, conn: number): void {
    const where = conn === 0 ? '' : ` [conn ${conn}]`;
    this.mismatches.push(`${what}${where}  (${reason})\n    redis:   ${r}\n    subject: ${s}`);
    logMismatch(this.label, what + where, r, s, reason);
  }

  close(): void {
    for (const c of [...this.redisConns, ...this.subjectConns]) c?.close();
  }

  /** Closes the connections and fails the test with every mismatch seen. */
  finish(): void {
    this.close();
    expect(this.mismatches, `${this.label}: ${this.mismatches.length} mismatch(es)`).toEqual([]);
  }
}

function logMismatch(label: string, command: string, redis: string, subject: string, reason: string): void {
  const file = process.env.KEELDB_DIFF_LOG;
  if (file === undefined || file === '') return;
  fs.appendFileSync(file, JSON.stringify({ case: label, command, redis, subject, reason }) + '\n');
}

export type Step = readonly Arg[] | { args: readonly Arg[]; conn?: number; cmp?: Comparator };

/** Declares a test that runs `steps` in order on fresh connections to both servers. */
export function diffSeq(pair: () => DiffPair, name: string, steps: readonly Step[], options: CaseOptions = {}): void {
  diffCase(
    pair,
    name,
    async (c) => {
      for (const step of steps) {
        if (Array.isArray(step)) await c.cmd(step as readonly Arg[]);
        else {
          const s = step as { args: readonly Arg[]; conn?: number; cmp?: Comparator };
          await c.cmd(s.args, { conn: s.conn, cmp: s.cmp });
        }
      }
    },
    options,
  );
}

/** Declares a test with a free-form body over a fresh case. */
export function diffCase(pair: () => DiffPair, name: string, body: (c: DiffCase) => Promise<void>, options: CaseOptions = {}): void {
  it(name, async () => {
    const label = options.proto === 3 ? `${name} [RESP3]` : name;
    await runCase(pair(), label, body, options);
  });
}

/**
 * Opens a fresh case, runs `body`, closes its connections and fails on its mismatches:
 * a diffCase test's body, and also what a fast-check property runs once per sequence.
 */
export async function runCase(pair: DiffPair, label: string, body: (c: DiffCase) => Promise<void>, options: CaseOptions = {}): Promise<void> {
  const c = await pair.open(label, options);
  try {
    await body(c);
  } finally {
    c.close();
  }
  c.finish();
}

/**
 * Turns keyspace notifications on (CONFIG SET notify-keyspace-events KEA on connection
 * 0) and subscribes connection 1 to them (PSUBSCRIBE __key*@0__:*); returns
 * events(args, n), which runs `args` on connection 0 and then compares the `n`
 * notifications it published on connection 1. Every type's notification test starts so.
 */
export async function watchKeyspaceEvents(c: DiffCase): Promise<(args: Arg[], n: number) => Promise<void>> {
  const events = async (args: Arg[], n: number): Promise<void> => {
    await c.cmd(args, { conn: 0 });
    if (n > 0) await c.raw('', n, { conn: 1 });
  };
  await c.cmd(['CONFIG', 'SET', 'notify-keyspace-events', 'KEA'], { conn: 0 });
  await c.raw(encodeCommand(['PSUBSCRIBE', '__key*@0__:*']), 1, { conn: 1 });
  return events;
}

/** Starts a pair for the enclosing describe (beforeAll) and stops it (afterAll, even on failure). */
export function usePair(options: { requirepass?: string } = {}): () => DiffPair {
  let pair: DiffPair | undefined;
  beforeAll(async () => {
    pair = await DiffPair.start(options);
  });
  afterAll(async () => {
    await pair?.stop();
  });
  return () => {
    if (pair === undefined) throw new Error('usePair: the servers did not start (see beforeAll)');
    return pair;
  };
}

/**
 * A DiffPair and one raw connection to each server, for suites that pipeline their own
 * command lists and compare the replies: started in beforeAll, closed in afterAll.
 */
export function usePairConns(): () => { redis: RespConn; subject: RespConn } {
  let pair: DiffPair | undefined;
  let conns: { redis: RespConn; subject: RespConn } | undefined;
  beforeAll(async () => {
    pair = await DiffPair.start();
    conns = { redis: await RespConn.connect(pair.oracle.port), subject: await RespConn.connect(pair.subject.port) };
  });
  afterAll(async () => {
    conns?.redis.close();
    conns?.subject.close();
    await pair?.stop();
  });
  return () => {
    if (conns === undefined) throw new Error('usePairConns: the servers did not start (see beforeAll)');
    return conns;
  };
}
