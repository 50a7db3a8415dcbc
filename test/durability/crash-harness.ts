// The crash tests' harness (test process, main thread): a real KeelDB deployment as
// `keeldb up` builds it (three log-node processes and a server process from dist/,
// through the Supervisor with automatic restarts off, so the test decides when a killed
// process returns), a workload of concurrent raw-RESP clients that records exactly which
// writes were acknowledged, and a checker of the keyspace against that history.
//
// The workload: client c numbers its operations i = 1, 2, ... and sends them in order,
// up to `windowOps` in flight; operation i is, by i % 5:
//   0 SET s:c i            1 INCR ctr (shared)       2 RPUSH l:c i
//   3 HSET h:c fi i        4 MULTI; SET ma:c i; RPUSH ml:c i; INCR ctr2; EXEC
// Each operation is `unsent`, `sent` (no reply yet, or an error reply, or the connection
// died: it may or may not have happened, the Jepsen lesson) or `acked` (its success
// reply arrived). A connection that dies ends that client's phase; the next phase
// reconnects and goes on numbering.
//
// The checker's rules (what durability means here): every acknowledged write is there;
// nothing that was never sent is there; SET keys hold the last acknowledged value or a
// later sent one; lists hold sent items in sending order, every acknowledged one among
// them; counters lie between the acknowledged and the sent counts; a MULTI/EXEC applies
// whole (ma:c is the last item of ml:c, and ctr2 counts every item of every ml:c).
//
// Invariants: every process started here is stopped by Deployment.stop() (tests call it
// in afterAll); replies on one connection are matched to operations in order.

import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JournalClient } from '../../src/journal/client/journal-client.js';
import { Supervisor } from '../../src/main/supervisor.js';
import { upChildSpecs } from '../../src/main/up.js';
import { decodeReply, type RespValue } from '../support/resp-decode.js';
import { encodeCommand } from '../support/resp-conn.js';
import { freePort } from '../support/ports.js';
import { replyEnd } from '../support/resp-scan.js';

export const nodeNames = ['log-node-1', 'log-node-2', 'log-node-3'] as const;
export const allNames = [...nodeNames, 'server'] as const;
export type ChildName = (typeof allNames)[number];

const pollMs = 25;
const secret = 'crash-test-secret';

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

// --- A minimal pipelined RESP client ------------------------------------------------------

export class RespClient {
  private buf: Buffer = Buffer.alloc(0);
  private readonly waiters: { resolve: (v: RespValue) => void; reject: (e: Error) => void }[] = [];
  closed = false;
  readonly closedPromise: Promise<void>;

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    this.closedPromise = new Promise((resolve) => {
      socket.on('close', () => {
        this.closed = true;
        for (const w of this.waiters.splice(0)) w.reject(new Error('connection closed'));
        resolve();
      });
    });
    socket.on('error', () => undefined); // 'close' follows
    socket.on('data', (chunk: Buffer) => {
      this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
      let at = 0;
      for (;;) {
        const end = replyEnd(this.buf, at);
        if (end < 0) break;
        const w = this.waiters.shift();
        if (w === undefined) throw new Error('a reply nobody asked for');
        w.resolve(decodeReply(this.buf.subarray(at, end)));
        at = end;
      }
      this.buf = at === this.buf.length ? Buffer.alloc(0) : this.buf.subarray(at);
    });
  }

  static connect(port: number): Promise<RespClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host: '127.0.0.1' });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RespClient(socket));
      });
    });
  }

  /** Sends several commands in one write; one promise per reply, in order. */
  send(commands: readonly (readonly (string | number)[])[]): Promise<RespValue>[] {
    if (this.closed) return commands.map(() => Promise.reject(new Error('connection closed')));
    const promises = commands.map(
      () => new Promise<RespValue>((resolve, reject) => this.waiters.push({ resolve, reject })),
    );
    this.socket.write(Buffer.concat(commands.map((c) => encodeCommand(c))));
    return promises;
  }

  call(...args: (string | number)[]): Promise<RespValue> {
    return this.send([args])[0]!;
  }

  close(): void {
    this.socket.destroy();
  }
}

function textOfValue(v: RespValue): string | null {
  if (v.kind === 'null') return null;
  if (v.kind === 'bulk') return v.bytes.toString('latin1');
  if (v.kind === 'simple') return v.text;
  if (v.kind === 'integer') return String(v.value);
  throw new Error(`unexpected reply ${JSON.stringify(v)}`);
}

function isError(v: RespValue): boolean {
  return v.kind === 'error' || v.kind === 'blobError';
}

/** Calls until the reply is not -LOADING and no connection error (the server is up). */
export async function callWhenServing(port: number, args: (string | number)[], deadlineMs = 45_000): Promise<RespValue> {
  const deadline = Date.now() + deadlineMs;
  let last = '';
  for (;;) {
    let c: RespClient | null = null;
    try {
      c = await RespClient.connect(port);
      const v = await c.call(...args);
      if (!(v.kind === 'error' && v.text.startsWith('LOADING'))) return v;
      last = v.text;
    } catch (err) {
      last = (err as Error).message;
    } finally {
      c?.close();
    }
    if (Date.now() > deadline) throw new Error(`the server did not serve ${args.join(' ')} in time: ${last}`);
    await sleep(100);
  }
}

// --- The deployment ------------------------------------------------------------------------

export class Deployment {
  readonly dir = mkdtempSync(join(tmpdir(), 'keeldb-crash-'));
  readonly lines: string[] = [];
  private sup: Supervisor | null = null;
  port = 0;
  journalPorts: number[] = [];

  /**
   * `journalNone`: the server runs with --journal none (not durable), for the canary
   * that proves the checker catches lost acknowledged writes.
   */
  constructor(private readonly options: { journalNone?: boolean } = {}) {}

  async start(): Promise<void> {
    this.port = await freePort();
    this.journalPorts = [await freePort(), await freePort(), await freePort()];
    let specs = upChildSpecs(this.dir, '127.0.0.1', { server: this.port, journal: this.journalPorts }, secret);
    if (this.options.journalNone === true) {
      specs = specs.map((s) => (s.name === 'server' ? { ...s, args: ['server', '--port', String(this.port), '--journal', 'none'] } : s));
    }
    this.sup = new Supervisor(
      specs,
      (line) => {
        this.lines.push(line);
        if (this.lines.length > 4000) this.lines.splice(0, 1000);
      },
    );
    this.sup.setAutoRestart(false);
    await this.sup.start();
  }

  get supervisor(): Supervisor {
    if (this.sup === null) throw new Error('not started');
    return this.sup;
  }

  nodeDir(name: (typeof nodeNames)[number]): string {
    return join(this.dir, `node-${name.slice(-1)}`);
  }

  /** kill -9 to every named process in the same tick; resolves once all are gone. */
  async kill(names: readonly ChildName[], signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    for (const n of names) {
      if (!this.supervisor.signal(n, signal)) throw new Error(`${n} was not running`);
    }
    const deadline = Date.now() + 10_000;
    while (names.some((n) => this.supervisor.pid(n) !== undefined)) {
      if (Date.now() > deadline) throw new Error(`${names.join(',')} did not die`);
      await sleep(pollMs);
    }
  }

  /** A clean stop (SIGTERM) of the named processes; resolves once all are gone. */
  terminate(names: readonly ChildName[]): Promise<void> {
    return this.kill(names, 'SIGTERM');
  }

  /** Starts the named (dead) processes and waits until each is ready. */
  async restart(names: readonly ChildName[]): Promise<void> {
    for (const n of names) this.supervisor.restart(n);
    await Promise.all(names.map((n) => this.supervisor.whenReady(n)));
  }

  /** Wipes a (dead) log node's directory. */
  wipe(name: (typeof nodeNames)[number]): void {
    rmSync(this.nodeDir(name), { recursive: true, force: true });
  }

  /** The log node whose latest role line says leader (from the children's output). */
  currentLeader(): (typeof nodeNames)[number] | undefined {
    const latest = new Map<string, string>();
    for (const line of this.lines) {
      const m = /^\[(log-node-\d)\] .*role: (\w+)/.exec(line);
      if (m !== null) latest.set(m[1]!, m[2]!);
    }
    return nodeNames.find((n) => latest.get(n) === 'leader');
  }

  /** The journal's committed tail (linearizable, through the log leader). */
  async journalTail(): Promise<number> {
    const client = new JournalClient({ nodes: this.journalPorts.map((p) => `127.0.0.1:${p}`), secret, timeoutMs: 20_000 });
    try {
      return (await client.tail()).tailId;
    } finally {
      client.close();
    }
  }

  /**
   * Resolves once the named log node alone serves every committed entry through id
   * (a follower serves only entries it holds and knows committed): it has caught up.
   */
  async nodeServesThrough(name: (typeof nodeNames)[number], id: number, deadlineMs: number): Promise<void> {
    const port = this.journalPorts[nodeNames.indexOf(name)]!;
    const client = new JournalClient({ nodes: [`127.0.0.1:${port}`], secret, timeoutMs: 5_000 });
    let last = 0;
    const timer = setTimeout(() => client.close(), deadlineMs);
    try {
      for await (const e of client.read(1, { waitMs: 500 })) {
        last = e.index;
        if (last >= id) return;
      }
    } catch {
      // closed by the deadline
    } finally {
      clearTimeout(timer);
      client.close();
    }
    throw new Error(`${name} served entries only through ${last} of ${id} within ${deadlineMs} ms`);
  }

  /** The last lines of every child's output, for a failure message. */
  tail(count = 60): string {
    return this.lines.slice(-count).join('\n');
  }

  async stop(): Promise<void> {
    await this.sup?.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// --- The workload ----------------------------------------------------------------------------

export enum OpState {
  unsent = 0,
  sent = 1,
  acked = 2,
}

export enum OpKind {
  set = 0,
  incr = 1,
  rpush = 2,
  hset = 3,
  multi = 4,
}

export function opKind(i: number): OpKind {
  return (i % 5) as OpKind;
}

function opCommands(c: number, i: number): (string | number)[][] {
  switch (opKind(i)) {
    case OpKind.set:
      return [['SET', `s:${c}`, i]];
    case OpKind.incr:
      return [['INCR', 'ctr']];
    case OpKind.rpush:
      return [['RPUSH', `l:${c}`, i]];
    case OpKind.hset:
      return [['HSET', `h:${c}`, `f${i}`, i]];
    case OpKind.multi:
      return [['MULTI'], ['SET', `ma:${c}`, i], ['RPUSH', `ml:${c}`, i], ['INCR', 'ctr2'], ['EXEC']];
  }
}

/** Is the last reply of operation i a success? (EXEC: an array of successes.) */
function succeeded(i: number, last: RespValue): boolean {
  if (isError(last)) return false;
  if (opKind(i) === OpKind.multi) return last.kind === 'array' && last.items.every((v) => !isError(v));
  return true;
}

export class ClientHistory {
  /** state[i] for operation i (index 0 unused). */
  readonly state: OpState[] = [OpState.unsent];
  errors = 0;

  get nextIndex(): number {
    return this.state.length;
  }
}

export class Workload {
  readonly clients: ClientHistory[];
  private running = false;
  private phases: Promise<void>[] = [];
  private conns: RespClient[] = [];

  constructor(
    readonly clientCount: number,
    private readonly windowOps = 4,
  ) {
    this.clients = Array.from({ length: clientCount }, () => new ClientHistory());
  }

  /** Starts every client (a new phase) against the server on port. */
  async start(port: number): Promise<void> {
    this.running = true;
    this.conns = await Promise.all(this.clients.map(() => RespClient.connect(port)));
    this.phases = this.clients.map((h, c) => this.runClient(c, h, this.conns[c]!));
  }

  /** Acknowledged operations so far, over all clients. */
  ackedCount(): number {
    let n = 0;
    for (const h of this.clients) for (const s of h.state) if (s === OpState.acked) n++;
    return n;
  }

  /** Resolves once acked operations reach count (or throws after deadlineMs). */
  async waitForAcked(count: number, deadlineMs: number, why: () => string): Promise<void> {
    const deadline = Date.now() + deadlineMs;
    while (this.ackedCount() < count) {
      if (Date.now() > deadline) throw new Error(`only ${this.ackedCount()} of ${count} writes acknowledged in time\n${why()}`);
      await sleep(pollMs);
    }
  }

  /** Stops sending and waits for every client to finish (its in-flight ops settle or fail). */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.phases);
    for (const c of this.conns) c.close();
  }

  /** Resolves when every client's connection has died (after a server kill). */
  async ended(): Promise<void> {
    await Promise.all(this.phases);
    this.running = false;
  }

  private async runClient(c: number, h: ClientHistory, conn: RespClient): Promise<void> {
    const inflight = new Set<Promise<void>>();
    while (this.running && !conn.closed) {
      if (inflight.size >= this.windowOps) {
        await Promise.race(inflight);
        continue;
      }
      const i = h.nextIndex;
      h.state.push(OpState.sent);
      const replies = conn.send(opCommands(c, i));
      const done = replies[replies.length - 1]!.then(
        (last) => {
          if (succeeded(i, last)) h.state[i] = OpState.acked;
          else h.errors++;
        },
        () => undefined, // connection died: stays `sent` (unknown)
      );
      // The intermediate MULTI/QUEUED replies: swallow their rejection on a dead link.
      for (const r of replies.slice(0, -1)) r.catch(() => undefined);
      const tracked = done.finally(() => inflight.delete(tracked));
      inflight.add(tracked);
      // Yield so replies are processed between sends.
      if (inflight.size >= this.windowOps) await Promise.race(inflight);
    }
    await Promise.all(inflight);
  }
}

// --- The checker ---------------------------------------------------------------------------------

function indicesOf(h: ClientHistory, kind: OpKind, state: OpState): number[] {
  const out: number[] = [];
  for (let i = 1; i < h.state.length; i++) if (opKind(i) === kind && h.state[i] === state) out.push(i);
  return out;
}

function wasSent(h: ClientHistory, kind: OpKind, i: number): boolean {
  return Number.isInteger(i) && i >= 1 && i < h.state.length && opKind(i) === kind && h.state[i] !== OpState.unsent;
}

/** Checks a list's items: sent items of `kind`, in sending order, every acked one present. */
function checkList(problems: string[], key: string, items: number[], h: ClientHistory, kind: OpKind): void {
  for (let j = 0; j < items.length; j++) {
    if (!wasSent(h, kind, items[j]!)) problems.push(`${key}: item ${items[j]} was never sent`);
    if (j > 0 && items[j]! <= items[j - 1]!) problems.push(`${key}: item ${items[j]} after ${items[j - 1]} (order)`);
  }
  const present = new Set(items);
  for (const i of indicesOf(h, kind, OpState.acked)) {
    if (!present.has(i)) problems.push(`${key}: acknowledged item ${i} is missing`);
  }
}

function checkRegister(problems: string[], key: string, value: string | null, h: ClientHistory, kind: OpKind): void {
  const acked = indicesOf(h, kind, OpState.acked);
  const lastAcked = acked.length === 0 ? 0 : acked[acked.length - 1]!;
  if (value === null) {
    if (lastAcked > 0) problems.push(`${key}: missing, but the write of ${lastAcked} was acknowledged`);
    return;
  }
  const v = Number(value);
  if (!wasSent(h, kind, v)) problems.push(`${key}: value ${value} was never sent`);
  else if (v < lastAcked) problems.push(`${key}: value ${v} is older than the acknowledged ${lastAcked}`);
}

function countRange(clients: ClientHistory[], kind: OpKind): [number, number] {
  let acked = 0;
  let sent = 0;
  for (const h of clients) {
    for (let i = 1; i < h.state.length; i++) {
      if (opKind(i) !== kind) continue;
      if (h.state[i] === OpState.acked) acked++;
      if (h.state[i] !== OpState.unsent) sent++;
    }
  }
  return [acked, sent];
}

async function read(conn: RespClient, ...args: (string | number)[]): Promise<RespValue> {
  const v = await conn.call(...args);
  if (isError(v)) throw new Error(`${args.join(' ')}: ${JSON.stringify(v)}`);
  return v;
}

async function readList(conn: RespClient, key: string): Promise<number[]> {
  const v = await read(conn, 'LRANGE', key, 0, -1);
  if (v.kind !== 'array') throw new Error(`LRANGE ${key}: ${JSON.stringify(v)}`);
  return v.items.map((x) => Number(textOfValue(x)));
}

/**
 * Reads the keyspace from the server on port (waiting out -LOADING) and returns every
 * violation of the rules in the file comment (empty: the history is respected).
 */
export async function checkKeyspace(port: number, w: Workload): Promise<string[]> {
  await callWhenServing(port, ['GET', 'probe:not-a-key']);
  const conn = await RespClient.connect(port);
  const problems: string[] = [];
  try {
    const expectedKeys = new Set(['ctr', 'ctr2']);
    let mlItems = 0;
    for (let c = 0; c < w.clients.length; c++) {
      const h = w.clients[c]!;
      for (const k of ['s', 'l', 'h', 'ma', 'ml']) expectedKeys.add(`${k}:${c}`);
      checkRegister(problems, `s:${c}`, textOfValue(await read(conn, 'GET', `s:${c}`)), h, OpKind.set);
      checkList(problems, `l:${c}`, await readList(conn, `l:${c}`), h, OpKind.rpush);

      const hv = await read(conn, 'HGETALL', `h:${c}`);
      if (hv.kind !== 'array') throw new Error(`HGETALL h:${c}: ${JSON.stringify(hv)}`);
      const fields: number[] = [];
      for (let j = 0; j + 1 < hv.items.length; j += 2) {
        const f = textOfValue(hv.items[j]!)!;
        const val = textOfValue(hv.items[j + 1]!)!;
        const i = Number(f.slice(1));
        if (f !== `f${i}` || val !== String(i)) problems.push(`h:${c}: field ${f} holds ${val}`);
        fields.push(i);
      }
      fields.sort((a, b) => a - b);
      checkList(problems, `h:${c}`, fields, h, OpKind.hset);

      const ml = await readList(conn, `ml:${c}`);
      mlItems += ml.length;
      checkList(problems, `ml:${c}`, ml, h, OpKind.multi);
      const ma = textOfValue(await read(conn, 'GET', `ma:${c}`));
      checkRegister(problems, `ma:${c}`, ma, h, OpKind.multi);
      const lastMl = ml.length === 0 ? null : String(ml[ml.length - 1]);
      if (ma !== lastMl) problems.push(`MULTI/EXEC not atomic for client ${c}: ma:${c} = ${ma}, last of ml:${c} = ${lastMl}`);
    }
    const [incrAcked, incrSent] = countRange(w.clients, OpKind.incr);
    const ctr = Number(textOfValue(await read(conn, 'GET', 'ctr')) ?? 0);
    if (ctr < incrAcked || ctr > incrSent) problems.push(`ctr = ${ctr}, outside [${incrAcked} acknowledged, ${incrSent} sent]`);
    const ctr2 = Number(textOfValue(await read(conn, 'GET', 'ctr2')) ?? 0);
    if (ctr2 !== mlItems) problems.push(`MULTI/EXEC not atomic: ctr2 = ${ctr2} but the ml lists hold ${mlItems} items`);
    const keys = await read(conn, 'KEYS', '*');
    if (keys.kind !== 'array') throw new Error(`KEYS: ${JSON.stringify(keys)}`);
    for (const k of keys.items) {
      const name = textOfValue(k)!;
      if (!expectedKeys.has(name)) problems.push(`unexpected key ${name}`);
    }
  } finally {
    conn.close();
  }
  return problems;
}

/** A one-line summary of a workload's history, for logs and failure messages. */
export function summary(w: Workload): string {
  let acked = 0;
  let unknown = 0;
  let errors = 0;
  for (const h of w.clients) {
    errors += h.errors;
    for (let i = 1; i < h.state.length; i++) {
      if (h.state[i] === OpState.acked) acked++;
      else if (h.state[i] === OpState.sent) unknown++;
    }
  }
  return `${w.clients.length} clients: ${acked} operations acknowledged, ${unknown} sent without an acknowledgment (${errors} error replies)`;
}
