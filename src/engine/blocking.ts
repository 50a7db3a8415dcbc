// Blocked clients (engine worker): Redis's blocked.c for commands that wait on keys
// (BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP today; BZPOPMIN/BZPOPMAX/BZMPOP and XREAD BLOCK
// can reuse it as they are: a blocked client registers keys and callbacks, nothing here
// knows about lists).
//
// How a blocking command blocks: its handler, finding nothing to serve and allowed to
// block (not inside MULTI: `denyBlocking`), calls `block(ctx, request)` and writes no
// reply. The engine then holds every later request of that client in client.deferred,
// in order (Redis stops reading a blocked client's socket; we must keep its replies in
// order), until the client is unblocked.
//
// How it is woken, as 7.0's signalKeyAsReady + handleClientsBlockedOnKeys: the keyspace's
// `modified` hook reports every changed key; a key some client waits on is queued as
// ready. After each top-level unit of work (a command, or a whole EXEC, so a MULTI's
// pushes wake nobody half-way) the engine calls `afterUnit`: for each ready key, in the
// order they became ready, the clients blocked on it are offered the key in the order
// they blocked (FIFO) while `request.ready` says there is something for them; each one
// served runs `request.serve` as its own unit of work (its own effect record, after the
// record of the write that woke it: a served BLPOP logs the LPOP it did) with its reply in
// its own entry. A serve that makes another key ready (BLMOVE's push) is handled in the
// same loop. Then the served clients' held requests run, in order.
//
// Timeouts fire from Engine.tick (`expireTimeouts`), CLIENT UNBLOCK through
// `requestUnblock`; a disconnected client is forgotten (`remove`).
//
// Invariants: a client is blocked at most once (byClient); every Blocked in byClient is
// in the waiter list of each of its keys and nowhere else; no reply entry is open when
// afterUnit/expireTimeouts run (they write whole entries of their own).

import { assert } from '../assert.js';
import type { Client } from './client.js';
import { watchKey } from './client.js';
import type { CommandContext, CommandHandler, CommandSpec } from './command.js';
import { string2ll } from './args.js';
import type { Db, Keyspace } from './keyspace.js';
import { EntryKind, type ReplyWriter } from './reply.js';

/** What a blocking command leaves behind when it blocks. */
export interface BlockRequest {
  /** The keys waited on, in the client's database; duplicates are ignored. */
  readonly keys: readonly string[];
  /** Absolute unix ms after which the client times out; 0 waits forever. */
  readonly timeoutAtMs: number;
  /** True if `serve` would act on `key` now: data of the right type (its lookup may expire the key; serveKey runs it as a unit of work). */
  ready(db: Db, key: string, nowMs: number): boolean;
  /** Serves the client from `key`: replies through ctx.reply, propagates its effect. */
  serve(ctx: CommandContext, key: string): void;
  /** The reply on timeout (and CLIENT UNBLOCK ... TIMEOUT). */
  timeoutReply(out: ReplyWriter): void;
}

/** What the engine lends the blocking machinery. */
export interface BlockingHost {
  readonly keyspace: Keyspace;
  /** The engine's cached time of the current command (unix ms). */
  now(): number;
  lookupCommand(name: string): CommandSpec | undefined;
  /**
   * Runs `handler` as a call of `spec` by `client` with argv, as one unit of work (one
   * effect record), its reply in one entry for the client.
   */
  serveBlocked(client: Client, spec: CommandSpec, argv: readonly Buffer[], out: ReplyWriter, handler: CommandHandler): void;
  /** Runs one held request of a client as if it had just arrived (top level). */
  runHeld(client: Client, argv: readonly Buffer[], out: ReplyWriter): void;
  /** True if the client is still connected and not closing. */
  isLive(client: Client): boolean;
  /**
   * Runs `fn` as a unit of work of its own: a key that a readiness check finds expired is
   * deleted there, and that DEL must reach the journal (else a replica keeps the key).
   */
  inUnit<T>(fn: () => T): T;
}

class Blocked {
  constructor(
    readonly client: Client,
    readonly dbIndex: number,
    readonly spec: CommandSpec,
    /** Copies of the blocked command's argv. */
    readonly argv: readonly Buffer[],
    readonly request: BlockRequest,
    /** watchKey(db, key) of each distinct key. */
    readonly keys: readonly string[],
  ) {}
}

interface ReadyKey {
  readonly dbIndex: number;
  readonly key: string;
  readonly wk: string;
}

export const unblockedErrorText = 'UNBLOCKED client unblocked via CLIENT UNBLOCK';

export class Blocking {
  private readonly byClient = new Map<number, Blocked>();
  /** watchKey(db, key) -> clients blocked on it, in the order they blocked. */
  private readonly byKey = new Map<string, Blocked[]>();
  private ready: ReadyKey[] = [];
  private readonly readySet = new Set<string>();
  /** CLIENT UNBLOCK requests not yet answered: [client, blocked, withError]. */
  private unblocks: [Client, Blocked, boolean][] = [];
  /** Unblocked clients whose held requests must run. */
  private toDrain: Client[] = [];
  private handling = false;

  constructor(private readonly host: BlockingHost) {}

  /** INFO clients' blocked_clients. */
  get blockedCount(): number {
    return this.byClient.size;
  }

  /** Keys some client is blocked on (keyModified does nothing while there are none). */
  get waitingKeyCount(): number {
    return this.byKey.size;
  }

  isBlocked(client: Client): boolean {
    // The size first: asked twice per command, and usually nobody is blocked.
    return this.byClient.size !== 0 && this.byClient.has(client.id);
  }

  /**
   * Redis's CLIENT_DENY_BLOCKING: inside MULTI/EXEC (and, later, scripts) a blocking
   * command answers at once as if it had timed out.
   */
  denyBlocking(client: Client): boolean {
    return client.multi !== null;
  }

  /** Called by a blocking command's handler instead of replying. */
  block(ctx: CommandContext, request: BlockRequest): void {
    const client = ctx.client;
    assert(!this.byClient.has(client.id), 'client blocked twice');
    assert(!this.denyBlocking(client), 'blocking inside MULTI');
    const spec = this.host.lookupCommand(ctx.argv[0]!.latin1Slice(0, ctx.argv[0]!.length).toLowerCase());
    assert(spec !== undefined, 'blocking command without a spec');
    const argv = ctx.argv.map((a) => Buffer.from(a));
    const wks: string[] = [];
    for (const key of request.keys) {
      const wk = watchKey(client.dbIndex, key);
      if (!wks.includes(wk)) wks.push(wk);
    }
    const b = new Blocked(client, client.dbIndex, spec, argv, request, wks);
    this.byClient.set(client.id, b);
    client.blocked = true;
    for (const wk of wks) {
      let list = this.byKey.get(wk);
      if (list === undefined) {
        list = [];
        this.byKey.set(wk, list);
      }
      list.push(b);
    }
  }

  /** The keyspace's modified hook: queues a key some client waits on (signalKeyAsReady). */
  keyModified(dbIndex: number, key: string): void {
    if (this.byKey.size === 0) return;
    const wk = watchKey(dbIndex, key);
    if (!this.byKey.has(wk) || this.readySet.has(wk)) return;
    this.readySet.add(wk);
    this.ready.push({ dbIndex, key, wk });
  }

  /** Forgets a disconnected or killed client. */
  remove(client: Client): void {
    const b = this.byClient.get(client.id);
    if (b !== undefined) this.unregister(b);
    if (this.unblocks.length > 0) this.unblocks = this.unblocks.filter((u) => u[0] !== client);
  }

  /**
   * CLIENT UNBLOCK: true if the client was blocked (its reply, a timeout's or the
   * UNBLOCKED error, is written after the current command's).
   */
  requestUnblock(clientId: number, withError: boolean): boolean {
    const b = this.byClient.get(clientId);
    if (b === undefined) return false;
    this.unregister(b);
    this.unblocks.push([b.client, b, withError]);
    return true;
  }

  /** The earliest timeout of a blocked client (unix ms), or Infinity. */
  nextTimeoutMs(): number {
    let next = Infinity;
    for (const b of this.byClient.values()) {
      const t = b.request.timeoutAtMs;
      if (t !== 0 && t < next) next = t;
    }
    return next;
  }

  /** Engine.tick: answers every client whose timeout passed (Redis: timeout < now). */
  expireTimeouts(nowMs: number, out: ReplyWriter): void {
    if (this.byClient.size === 0) return;
    const expired: Blocked[] = [];
    for (const b of this.byClient.values()) {
      const t = b.request.timeoutAtMs;
      if (t !== 0 && t < nowMs) expired.push(b);
    }
    if (expired.length === 0) return;
    expired.sort((a, b) => a.request.timeoutAtMs - b.request.timeoutAtMs || a.client.id - b.client.id);
    for (const b of expired) {
      this.unregister(b);
      this.writeEntry(b.client, out, (w) => b.request.timeoutReply(w));
      this.toDrain.push(b.client);
    }
    this.afterUnit(out);
  }

  /**
   * After each top-level unit of work: answers CLIENT UNBLOCK requests, serves clients
   * blocked on keys that became ready, then runs the unblocked clients' held requests.
   * Reentrant calls (from those requests) return at once: the outer loop goes on.
   */
  afterUnit(out: ReplyWriter): void {
    if (this.handling) return;
    if (this.ready.length === 0 && this.unblocks.length === 0 && this.toDrain.length === 0) return;
    this.handling = true;
    try {
      while (this.ready.length > 0 || this.unblocks.length > 0 || this.toDrain.length > 0) {
        if (this.unblocks.length > 0) {
          const unblocks = this.unblocks;
          this.unblocks = [];
          for (const [client, b, withError] of unblocks) {
            this.writeEntry(client, out, (w) => {
              if (withError) w.error(unblockedErrorText);
              else b.request.timeoutReply(w);
            });
            this.toDrain.push(client);
          }
        }
        while (this.ready.length > 0) {
          const ready = this.ready;
          this.ready = [];
          this.readySet.clear();
          for (const rk of ready) this.serveKey(rk, out);
        }
        if (this.toDrain.length > 0) {
          const drain = this.toDrain;
          this.toDrain = [];
          for (const client of drain) this.runHeld(client, out);
        }
      }
    } finally {
      this.handling = false;
    }
  }

  /** Offers a ready key to its waiters in the order they blocked. */
  private serveKey(rk: ReadyKey, out: ReplyWriter): void {
    const waiters = this.byKey.get(rk.wk);
    if (waiters === undefined) return;
    const db = this.host.keyspace.db(rk.dbIndex);
    for (const b of waiters.slice()) {
      if (this.byClient.get(b.client.id) !== b) continue; // served through another key meanwhile
      if (!this.host.inUnit(() => b.request.ready(db, rk.key, this.host.now()))) continue;
      this.unregister(b);
      this.host.serveBlocked(b.client, b.spec, b.argv, out, (ctx) => b.request.serve(ctx, rk.key));
      this.toDrain.push(b.client);
    }
  }

  /** Runs a client's held requests in order until it blocks again or goes. */
  private runHeld(client: Client, out: ReplyWriter): void {
    if (client.deferred.length === 0) return;
    const held = client.deferred.splice(0);
    for (let i = 0; i < held.length; i++) {
      if (!this.host.isLive(client)) return;
      if (client.deferred.length > 0 || this.isBlocked(client)) {
        // Blocked again (or paused): the rest waits, in order.
        for (let j = i; j < held.length; j++) client.deferred.push(held[j]!);
        return;
      }
      this.host.runHeld(client, held[i]!, out);
    }
  }

  private writeEntry(client: Client, out: ReplyWriter, write: (w: ReplyWriter) => void): void {
    if (!this.host.isLive(client)) return;
    out.resp = client.resp;
    out.beginEntry(EntryKind.reply, client.id);
    const mark = out.mark();
    write(out);
    if (client.replyMode === 'off') out.truncate(mark);
    out.endEntryOrDropIfEmpty();
  }

  private unregister(b: Blocked): void {
    assert(this.byClient.get(b.client.id) === b, 'unregister of a client not blocked');
    this.byClient.delete(b.client.id);
    b.client.blocked = false;
    for (const wk of b.keys) {
      const list = this.byKey.get(wk)!;
      const i = list.indexOf(b);
      assert(i >= 0, 'blocked client missing from its key');
      list.splice(i, 1);
      if (list.length === 0) this.byKey.delete(wk);
    }
  }
}

/**
 * Redis's getTimeoutFromObjectOrReply: an absolute unix ms (0 = forever), or null after
 * the error reply. In seconds (BLPOP, BZPOPMIN...: `parseSeconds` is the caller's
 * long double parser, string2ld) ms round up (ceill); in milliseconds (XREAD BLOCK) the
 * argument is an integer. A deadline past int64 (Redis's overflow) is simply far in the
 * future here.
 */
export function blockingTimeoutOrReply(ctx: CommandContext, arg: Buffer, parseSeconds: ((s: string) => number | null) | 'milliseconds'): number | null {
  const s = arg.latin1Slice(0, arg.length);
  let tval: number;
  if (parseSeconds === 'milliseconds') {
    const v = string2ll(s);
    if (v === null) {
      ctx.reply.error('ERR timeout is not an integer or out of range');
      return null;
    }
    tval = Number(v);
  } else {
    const secs = parseSeconds(s);
    if (secs === null) {
      ctx.reply.error('ERR timeout is not a float or out of range');
      return null;
    }
    // C's (long long) of a value beyond int64 (inf included) is LLONG_MIN on x86-64:
    // 7.0.15 answers "timeout is negative" for those, as measured against it.
    tval = Math.ceil(secs * 1000);
    if (!(tval < 9223372036854775807 && tval >= -9223372036854775808)) tval = -1;
  }
  if (tval < 0) {
    ctx.reply.error('ERR timeout is negative');
    return null;
  }
  if (tval === 0) return 0;
  return tval + ctx.nowMs;
}
