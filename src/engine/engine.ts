// The command engine (engine worker thread): Redis's processCommand and call() over
// the one command table, the client registry, WATCH bookkeeping, CLIENT PAUSE
// deferral, and the write path's effect records.
//
// The io-mux hands it one command at a time (execute) with the batch's ReplyWriter;
// every reply is framed as an entry for its client (EntryKind.reply), followed when
// needed by EntryKind.authenticated (AUTH/HELLO/RESET changed the state) or
// EntryKind.close (QUIT, CLIENT KILL). tick() runs timers: active expiry and the end
// of a CLIENT PAUSE, whose deferred commands then run in arrival order.
//
// Dispatch order follows Redis 7.0's processCommand: lookup (unknown command or
// subcommand), arity, NOAUTH, CLIENT PAUSE, MULTI queuing, then call(). A rejection
// inside MULTI flags the transaction (EXECABORT).
//
// Effects: when someone listens (onEffects), each top-level unit of work (one command,
// one whole EXEC, one active-expire cycle) yields at most ONE EffectRecord: DELs for
// keys that expired on the way, then each write that raised keyspace.dirty (as sent,
// or as the handler's ctx.propagate), then its ctx.alsoPropagate extras.
//
// Invariants: no reply entry is open between calls; `nowMs` is fixed for a command and
// for a whole EXEC; argv Buffers are views into the request ring, so anything kept
// (MULTI queue, deferred commands) is a copy; an effect record handed to onEffects may
// hold such views, valid only during the call (it encodes or copies what it keeps); a
// replayed effect never produces an effect or an error.

import { assert } from '../assert.js';
import { activeExpireCycleMs, activeExpireIntervalMs, stringValueBytesMax } from '../limits.js';
import { lowerAscii } from './args.js';
import { Client, PauseType, type PauseLevel, watchKey } from './client.js';
import type { CommandContext, CommandSpec, EngineServices } from './command.js';
import { buildCommandTable, type CommandTable } from './command-table.js';
import { Blocking } from './blocking.js';
import { Config } from './config.js';
import { type Effect, type EffectRecord, ownedArgv } from './effects.js';
import { Keyspace, type Db } from './keyspace.js';
import { Slowlog } from './slowlog.js';
import { EntryKind, ReplyWriter } from './reply.js';
import { PubSub } from './pubsub.js';
import { Tracking } from './tracking.js';
import { notifyKeyspaceEvent, NotifyType } from './notify.js';
import { Stats } from './stats.js';
import type { Tracker } from '../durability/tracker.js';
import type { DurabilityInfo } from '../durability/durability-info.js';

export interface EngineOptions {
  port: number;
  bind: string;
  requirepass?: string;
  /** Unix ms; injected so tests and the simulator control expiry. */
  clock?: () => number;
  /** [0, 1); injected for reproducible sampling (active expiry, RANDOMKEY). */
  random?: () => number;
}

/** The slowlog as the engine calls it after every command (src/engine/slowlog.ts). */
export interface SlowlogHook {
  maybeRecord(client: Client, argv: readonly Buffer[], durationUs: number, nowMs: number): void;
}

export { PauseType };

/** Commands that run even inside MULTI instead of being queued (Redis's processCommand). */
const multiExempt = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

const authenticatedBody = Buffer.of(1);
const unauthenticatedBody = Buffer.of(0);
const minusByte = 45;

/** One command's context. Contexts are reused per call depth (EXEC nests one level). */
class ExecContext implements CommandContext {
  argv: readonly Buffer[] = [];
  client!: Client;
  db!: Db;
  reply!: ReplyWriter;
  nowMs = 0;
  /** undefined: log argv as sent; null: log nothing; else log this. */
  override: ReadonlyArray<Buffer | string> | null | undefined = undefined;
  readonly extras: Effect[] = [];

  constructor(
    readonly keyspace: Keyspace,
    readonly engine: EngineServices,
  ) {}

  propagate(argv: ReadonlyArray<Buffer | string> | null): void {
    this.override = argv;
  }

  alsoPropagate(dbIndex: number, argv: ReadonlyArray<Buffer | string>): void {
    this.extras.push({ dbIndex, argv: ownedArgv(argv) });
  }
}

export class Engine implements EngineServices {
  readonly config: Config;
  readonly stats = new Stats();
  readonly startedMs: number;
  readonly clients = new Map<number, Client>();
  readonly keyspace: Keyspace;
  readonly table: CommandTable;
  /**
   * The write path: receives every effect record (the journal writer, tests). A record's
   * argv may be views into the request being executed: valid during the call only.
   */
  onEffects?: (record: EffectRecord) => void;
  /** SLOWLOG and the latency monitor hear every command's duration through this. */
  slowlog?: SlowlogHook;
  /** The durable write path's held replies (src/durability/tracker.ts); absent without a journal. */
  tracker?: Tracker;
  /** True while the journal is replayed: commands without the 'loading' flag get -LOADING. */
  loading = false;
  /** INFO's view of the durable write path (set by the engine worker). */
  durability?: () => DurabilityInfo;
  /** Clients blocked on keys (BLPOP...): src/engine/blocking.ts. */
  readonly blocking: Blocking;
  /** Pub/Sub channels and patterns; messages for other clients wait in it until flushPushes. */
  readonly pubsub = new PubSub();
  /** Client-side caching (CLIENT TRACKING). */
  readonly tracking: Tracking;

  readonly clock: () => number;
  readonly random: () => number;
  /** Cached unix ms of the command being run (Redis's server.mstime for the call). */
  nowMs: number;

  /** watchKey(db, key) -> clients watching it. */
  private readonly watchIndex = new Map<string, Set<Client>>();
  /** Effects of the current unit of work, or null when nobody listens or replaying. */
  private collecting: Effect[] | null = null;
  private readonly contexts: ExecContext[] = [];
  private depth = 0;
  private replaying = false;
  private readonly scratch = new ReplyWriter(4096);
  private readonly pendingCloses: Client[] = [];
  /** lookupName's cache: the last command name as sent (bytes), its length (-1: none) and spec. */
  private readonly lastName = Buffer.alloc(32);
  private lastNameLength = -1;
  private lastNameSpec: CommandSpec | undefined = undefined;
  /** The end of the last timed command in this batch (us), or -1 outside a batch. */
  private clockMarkUs = -1;
  /**
   * Unix ms read at the start of the timed batch and the monotonic us it was read at,
   * or -1 (outside a batch, or an injected clock): a command's nowMs is derived from them.
   */
  private batchWallMs = -1;
  private batchMarkUs = 0;

  pauseType: PauseLevel = PauseType.none;
  pauseEndMs = 0;
  /** Clients with deferred commands, in the order they were first deferred. */
  private pausedClients: Client[] = [];
  private nextActiveExpireMs: number;
  private readonly sleepCell = new Int32Array(new SharedArrayBuffer(4));

  constructor(opts: EngineOptions) {
    this.config = new Config({ port: opts.port, bind: opts.bind, requirepass: opts.requirepass });
    this.clock = opts.clock ?? Date.now;
    this.random = opts.random ?? Math.random;
    this.startedMs = this.clock();
    this.nowMs = this.startedMs;
    this.nextActiveExpireMs = this.startedMs + activeExpireIntervalMs;
    this.keyspace = new Keyspace(
      {
        modified: (db, key) => {
          this.touchWatchedKey(db, key);
          this.blocking.keyModified(db, key);
          if (this.tracking.trackingClients !== 0) this.tracking.keyModified(key, this.depth > 0 ? this.contexts[this.depth - 1]!.client : null);
        },
        expired: (db, key) => this.keyExpired(db, key),
        // Exactly when `modified` above does something with the key.
        keyNamesWanted: () => this.watchIndex.size !== 0 || this.blocking.waitingKeyCount !== 0 || this.tracking.trackingClients !== 0,
        swapping: (a, b) => this.touchWatchedOnSwap(a, b),
      },
      this.random,
    );
    this.keyspace.access = this.config.access;
    this.tracking = new Tracking(this.clients, this.pubsub);
    this.table = buildCommandTable();
    this.blocking = new Blocking({
      keyspace: this.keyspace,
      now: () => this.nowMs,
      lookupCommand: (name) => this.table.lookup(name),
      serveBlocked: (client, spec, argv, out, handler) => this.serveBlocked(client, spec, argv, out, handler),
      runHeld: (client, argv, out) => this.runTopLevel(client, argv, out),
      inUnit: (fn) => {
        this.beginUnit();
        try {
          return fn();
        } finally {
          this.endUnit();
        }
      },
      isLive: (client) => !client.closing && this.clients.get(client.id) === client,
    });
    this.slowlog = new Slowlog(this.config, (name) => this.table.lookup(name));
  }

  // --- EngineServices ------------------------------------------------------------------

  lookupCommand(name: string): CommandSpec | undefined {
    return this.table.lookup(name);
  }

  allCommands(): readonly CommandSpec[] {
    return this.table.commands;
  }

  /**
   * A number: the io-mux reports the socket closed, so the client's state goes.
   * A Client: a handler asks to close it (QUIT, CLIENT KILL) after its pending replies.
   */
  closeClient(which: number | Client): void {
    if (typeof which === 'number') {
      const client = this.clients.get(which);
      if (client === undefined) return;
      this.releaseClient(client);
      this.clients.delete(which);
      return;
    }
    if (which.closing) return;
    which.closing = true;
    this.releaseClient(which);
    this.pendingCloses.push(which);
  }

  sleep(ms: number): void {
    if (ms > 0) Atomics.wait(this.sleepCell, 0, 0, ms);
  }

  nowUs(): number {
    return performance.now() * 1000;
  }

  wallClockUs(): number {
    if (this.clock !== Date.now) return this.clock() * 1000;
    return Math.floor((performance.timeOrigin + performance.now()) * 1000);
  }

  /**
   * Command timing with one clock read per command instead of two (the clock was ~13%
   * of the worker's CPU): between beginTimedBatch and endTimedBatch (the worker brackets
   * each request batch), a command's start is the previous command's end, so its
   * duration also counts the few microseconds of framing and decoding in between. A
   * slow command is still measured whole; outside a batch (tests, timers) both ends
   * are read.
   */
  beginTimedBatch(): void {
    this.clockMarkUs = this.nowUs();
    if (this.clock === Date.now) {
      this.batchWallMs = Date.now();
      this.batchMarkUs = this.clockMarkUs;
    }
  }

  endTimedBatch(): void {
    this.clockMarkUs = -1;
    this.batchWallMs = -1;
  }

  /**
   * The unix ms a command runs at (Redis's cached mstime). Inside a timed batch with the
   * real clock it is the batch's wall-clock reading plus the monotonic time since, up to
   * the last command's end (clockMarkUs), instead of a Date.now per command (~50 ns of
   * CPU here, like the performance.now that times the command): never ahead of the wall
   * clock, never behind the previous command, and resynchronised every batch.
   */
  private commandNowMs(): number {
    if (this.batchWallMs < 0) return this.clock();
    return this.batchWallMs + Math.floor((this.clockMarkUs - this.batchMarkUs) / 1000);
  }

  // --- The io-mux's API ----------------------------------------------------------------

  openClient(id: number, addr: string, laddr: string): void {
    assert(!this.clients.has(id), `client id ${id} opened twice`);
    this.clients.set(id, new Client(id, addr, laddr, this.clock(), this.config.requirepass !== ''));
    this.stats.totalConnectionsReceived++;
  }

  /** The database of the last command executed: the likeliest one of the next (prefetchKey). */
  private prefetchDbIndex = 0;

  /**
   * A hint, before executing a command, that the next commands' keys are bytes[starts[j],
   * starts[j] + lengths[j]), j < n: their lookups in the last command's database are
   * touched now, together (Db.prefetchKeys), so their cache misses overlap each other.
   * Changes nothing observable; a wrong guess (another database, not a key) costs time only.
   */
  prefetchKeys(bytes: Uint8Array, starts: Int32Array, lengths: Int32Array, n: number): void {
    const db = this.keyspace.dbs[this.prefetchDbIndex];
    if (db !== undefined) db.prefetchKeys(bytes, starts, lengths, n);
  }

  execute(clientId: number, argv: Buffer[], out: ReplyWriter): void {
    assert(argv.length > 0, 'empty command');
    const client = this.clients.get(clientId);
    assert(client !== undefined, `execute for unknown client ${clientId}`);
    // Redis stops reading a client marked to close: anything after QUIT is dropped.
    if (client.closing) return;
    this.nowMs = this.commandNowMs();
    if (this.pauseType !== PauseType.none && this.nowMs >= this.pauseEndMs) this.unpause(out);
    // A blocked client's requests wait behind its blocking command (src/engine/blocking.ts).
    if (client.deferred.length > 0 || this.blocking.isBlocked(client)) {
      client.deferred.push(copyArgv(argv));
      return;
    }
    this.runTopLevel(client, argv, out);
    this.prefetchDbIndex = client.dbIndex;
    if (this.pauseType !== PauseType.none && this.nowMs >= this.pauseEndMs) this.unpause(out);
  }

  tick(out: ReplyWriter): number {
    const now = this.clock();
    this.nowMs = now;
    if (this.pauseType !== PauseType.none && now >= this.pauseEndMs) this.unpause(out);
    if (now >= this.nextActiveExpireMs) {
      // Redis does not expire keys while clients are paused (the dataset must not move).
      if (this.pauseType === PauseType.none) {
        this.beginUnit();
        this.keyspace.activeExpireCycle(now, now + activeExpireCycleMs, this.clock);
        this.endUnit();
        this.flushPushes(out);
      }
      this.nextActiveExpireMs = now + activeExpireIntervalMs;
    }
    this.blocking.expireTimeouts(now, out);
    let waitMs = this.nextActiveExpireMs - now;
    if (this.pauseType !== PauseType.none) waitMs = Math.min(waitMs, this.pauseEndMs - now);
    // A blocked client times out once its timeout has passed (Redis: timeout < now).
    waitMs = Math.min(waitMs, this.blocking.nextTimeoutMs() + 1 - now);
    return Math.max(0, waitMs);
  }

  /** Replays a record on this engine: no replies, no effects, no stats. */
  applyEffectRecord(record: EffectRecord): void {
    assert(!this.replaying && this.depth === 0, 'applyEffectRecord is not reentrant');
    const replica = new Client(0, 'replay:0', 'replay:0', record.nowMs, false);
    const savedNow = this.nowMs;
    this.replaying = true;
    this.collecting = null;
    try {
      for (const effect of record.effects) {
        const spec = this.resolve(effect.argv);
        assert(spec !== undefined && spec.handler !== undefined, `effect of unknown command '${effect.argv[0]!.toString('latin1')}'`);
        replica.dbIndex = effect.dbIndex;
        this.scratch.reset();
        this.scratch.resp = 2;
        const ctx = this.enter(replica, effect.argv, this.scratch, record.nowMs);
        try {
          spec.handler(ctx);
        } finally {
          this.depth--;
        }
        assert(this.scratch.length === 0 || this.scratch.buf[0] !== minusByte, `replayed effect failed: ${this.scratch.buf.latin1Slice(0, Math.min(200, this.scratch.length))}`);
      }
    } finally {
      this.replaying = false;
      this.nowMs = savedNow;
      this.pubsub.discard();
    }
  }

  // --- Dispatch ------------------------------------------------------------------------

  /** One command from a client, with its effect record and any closes it caused. */
  private runTopLevel(client: Client, argv: readonly Buffer[], out: ReplyWriter): void {
    const tracker = this.tracker;
    const start = out.length;
    // What the command reads matters only if it wrote nothing (a write waits for its own,
    // later, seq), so it is asked after the command: most commands under a durable write
    // load are writes. Inside MULTI it is asked first: EXEC consumes the queue it reads.
    const readSeqFirst = tracker !== undefined && client.multi !== null ? tracker.dependency(client, argv) : 0;
    const seqBefore = tracker === undefined ? 0 : tracker.latestSeq;
    const multiBefore = client.multi !== null;
    this.beginUnit();
    this.processCommand(client, argv, out);
    this.endUnit();
    this.flushPushes(out);
    this.flushCloses(out);
    // Replies that revealed or made an uncommitted write wait for its commit. Nothing was
    // written, so the key slots and client.dbIndex the dependency reads are as they were
    // before the command (only SELECT and RESET change the database, and they read no key).
    if (tracker !== undefined) {
      const need = tracker.latestSeq > seqBefore ? tracker.latestSeq : multiBefore ? readSeqFirst : tracker.dependency(client, argv);
      tracker.afterEntries(out, start, client.id, need);
    }
    // Keys this unit made ready wake their blocked clients, each in its own unit.
    this.blocking.afterUnit(out);
  }

  /** Serves a blocked client (src/engine/blocking.ts): one unit, one reply entry. */
  private serveBlocked(client: Client, spec: CommandSpec, argv: readonly Buffer[], out: ReplyWriter, handler: (ctx: CommandContext) => void): void {
    const tracker = this.tracker;
    const start = out.length;
    const readSeq = tracker === undefined ? 0 : tracker.dependency(client, argv);
    const seqBefore = tracker === undefined ? 0 : tracker.latestSeq;
    this.beginUnit();
    out.resp = client.resp;
    out.beginEntry(EntryKind.reply, client.id);
    const mark = out.mark();
    this.call(client, { ...spec, handler }, argv, out);
    if (client.replyMode === 'off') out.truncate(mark);
    out.endEntryOrDropIfEmpty();
    this.endUnit();
    this.flushPushes(out);
    if (tracker !== undefined) tracker.afterEntries(out, start, client.id, tracker.latestSeq > seqBefore ? tracker.latestSeq : readSeq);
  }

  /** Redis's processCommand, framing the reply as one entry. */
  private processCommand(client: Client, argv: readonly Buffer[], out: ReplyWriter): void {
    const wasAuthenticated = client.authenticated;
    // Redis stamps the interaction when it reads the command, before running it.
    client.lastInteractionMs = this.nowMs;
    const skipping = client.replyMode === 'skip';
    if (skipping) client.replyMode = 'on';
    out.resp = client.resp;
    out.beginEntry(EntryKind.reply, client.id);
    const mark = out.mark();
    const deferred = this.dispatch(client, argv, out);
    if (deferred) {
      if (skipping) client.replyMode = 'skip';
      out.truncate(mark);
    } else if (skipping || client.replyMode === 'off') {
      out.truncate(mark);
    }
    out.endEntryOrDropIfEmpty();
    if (client.authenticated !== wasAuthenticated) {
      out.beginEntry(EntryKind.authenticated, client.id);
      out.raw(client.authenticated ? authenticatedBody : unauthenticatedBody);
      out.endEntry();
    }
  }

  /** Looks the command up, checks it, queues or runs it. Returns true if deferred. */
  private dispatch(client: Client, argv: readonly Buffer[], out: ReplyWriter): boolean {
    let spec = this.lookupName(argv[0]!);
    if (spec !== undefined && spec.subcommands !== undefined && argv.length >= 2) {
      spec = this.table.lookup(`${spec.name}|${lowerAscii(argv[1]!)}`);
      if (spec === undefined) {
        client.lastCommand = 'NULL';
        this.reject(client, out, undefined, `ERR unknown subcommand '${cString(argv[1]!, 128)}'. Try ${cString(argv[0]!).toUpperCase()} HELP.`);
        return false;
      }
    }
    client.lastCommand = spec === undefined ? 'NULL' : spec.name;
    if (spec === undefined) {
      let args = '';
      for (let i = 1; i < argv.length && args.length < 128; i++) args += `'${cString(argv[i]!, 128 - args.length)}' `;
      this.reject(client, out, undefined, `ERR unknown command '${cString(argv[0]!, 128)}', with args beginning with: ${args}`);
      return false;
    }
    if ((spec.arity > 0 && spec.arity !== argv.length) || argv.length < -spec.arity) {
      this.reject(client, out, spec, `ERR wrong number of arguments for '${spec.name}' command`);
      return false;
    }
    // V8 cannot hold a string of Redis's full 512 MB (limits.ts stringValueBytesMax): refuse
    // such an argument here, once, rather than in every handler.
    for (let i = 1; i < argv.length; i++) {
      if (argv[i]!.length > stringValueBytesMax) {
        this.reject(client, out, spec, 'ERR string exceeds maximum allowed size (proto-max-bulk-len)');
        return false;
      }
    }
    if (!client.authenticated && !spec.flags.includes('no_auth')) {
      this.reject(client, out, spec, 'NOAUTH Authentication required.');
      return false;
    }
    // Redis's CMD_NO_MULTI (SHUTDOWN...): refused when queued, which aborts the MULTI.
    if (client.multi !== null && spec.flags.includes('no_multi')) {
      this.reject(client, out, spec, 'ERR Command not allowed inside a transaction');
      return false;
    }
    // RESP2 subscribed mode (Redis's processCommand): only these commands run.
    if (client.pubsubMode && client.resp === 2 && !pubsubContextCommands.has(spec.name)) {
      this.reject(client, out, spec, `ERR Can't execute '${spec.name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`);
      return false;
    }
    if (this.loading && !spec.flags.includes('loading')) {
      this.reject(client, out, spec, 'LOADING Redis is loading the dataset in memory');
      return false;
    }
    if (this.pauseType !== PauseType.none && (this.pauseType === PauseType.all || this.mayReplicate(client, spec))) {
      client.deferred.push(copyArgv(argv));
      if (client.deferred.length === 1) this.pausedClients.push(client);
      return true;
    }
    if (client.multi !== null && !multiExempt.has(spec.name)) {
      client.multi.push({ spec, argv: copyArgv(argv) });
      out.status('QUEUED');
      return false;
    }
    this.call(client, spec, argv, out);
    return false;
  }

  /**
   * The table's lookupArg behind a one-entry cache of the last name as sent: a pipeline
   * mostly repeats one command, and comparing a few bytes costs less than the string
   * and map lookup (the table never changes while the engine runs).
   */
  private lookupName(arg: Buffer): CommandSpec | undefined {
    const n = arg.length;
    if (n === this.lastNameLength) {
      const last = this.lastName;
      let i = 0;
      while (i < n && arg[i] === last[i]) i++;
      if (i === n) return this.lastNameSpec;
    }
    const spec = this.table.lookupArg(arg);
    if (spec !== undefined && n <= this.lastName.length) {
      arg.copy(this.lastName, 0, 0, n);
      this.lastNameLength = n;
      this.lastNameSpec = spec;
    }
    return spec;
  }

  /**
   * Redis's rejectCommand: an error reply, counted, and it aborts an open MULTI. A
   * rejected EXEC discards the transaction and says why (execCommandAbort), inside
   * MULTI or not.
   */
  private reject(client: Client, out: ReplyWriter, spec: CommandSpec | undefined, message: string): void {
    const at = out.length;
    if (spec !== undefined && spec.name === 'exec') {
      this.discardTransaction(client);
      const why = message.startsWith('ERR ') ? message.slice(4) : message;
      out.error(sanitizeError(`EXECABORT Transaction discarded because of: ${why}`));
    } else {
      out.error(sanitizeError(message));
      if (client.multi !== null) client.multiAborted = true;
    }
    if (spec !== undefined) this.stats.recordRejected(spec.name);
    else this.stats.totalErrorReplies++;
    this.countErrorCode(out.buf, at, out.length);
  }

  /**
   * INFO errorstats: counts the error reply in buf[start, end) by its code, as Redis's
   * afterErrorReply: the first word after '-' if a space comes within 32 bytes, else ERR.
   */
  private countErrorCode(buf: Buffer, start: number, end: number): void {
    const limit = Math.min(end, start + 32);
    let space = -1;
    for (let i = start + 1; i < limit; i++) {
      if (buf[i] === 32) {
        space = i;
        break;
      }
    }
    this.stats.recordErrorCode(space < 0 ? 'ERR' : buf.latin1Slice(start + 1, space));
  }

  /** True if the command may change the dataset (CLIENT PAUSE WRITE defers it). */
  private mayReplicate(client: Client, spec: CommandSpec): boolean {
    if (isWriteish(spec)) return true;
    if (spec.name === 'exec' && client.multi !== null) {
      for (const q of client.multi) if (isWriteish(q.spec)) return true;
    }
    return false;
  }

  /**
   * Redis's call(): runs a resolved, checked command (also each command of an EXEC),
   * records stats and the slowlog, and collects its effects.
   */
  call(client: Client, spec: CommandSpec, argv: readonly Buffer[], out: ReplyWriter): void {
    assert(spec.handler !== undefined, `'${spec.name}' has no handler`);
    const dirtyBefore = this.keyspace.dirty;
    const dbIndex = client.dbIndex;
    const replyStart = out.mark();
    const ctx = this.enter(client, argv, out, this.nowMs);
    const startUs = this.clockMarkUs >= 0 ? this.clockMarkUs : this.nowUs();
    const flush = spec.name === 'flushall' || spec.name === 'flushdb';
    if (flush) this.tracking.flushing = true;
    try {
      spec.handler(ctx);
    } finally {
      this.depth--;
      if (flush) this.tracking.flushing = false;
    }
    if (flush && out.buf[replyStart] !== minusByte) this.tracking.flushed();
    this.tracking.afterCall(client, spec, argv, this.depth === 0);
    const endUs = this.nowUs();
    if (this.clockMarkUs >= 0) this.clockMarkUs = endUs;
    const durationUs = Math.max(0, Math.round(endUs - startUs));
    const failed = out.length > replyStart && out.buf[replyStart] === minusByte;
    // A command that just blocked is counted when it is served, as Redis's updateStatsOnUnblock.
    const blocked = this.blocking.isBlocked(client);
    if (!blocked) this.stats.recordCall(spec.name, durationUs, failed);
    if (failed) {
      this.stats.totalErrorReplies++;
      this.countErrorCode(out.buf, replyStart, out.length);
    }
    if (!blocked && !spec.flags.includes('skip_slowlog')) this.slowlog?.maybeRecord(client, argv, durationUs, this.nowMs);
    const effects = this.collecting;
    if (effects === null) return;
    // EXEC is not logged itself: the commands it runs log their own effects.
    if (this.keyspace.dirty !== dirtyBefore && spec.name !== 'exec') {
      // A top-level command's argv (views into the request record) is kept as is: its
      // record is handed to onEffects by endUnit, before anything can release the request
      // record (the busy pump runs only inside a handler, where depth > 0). A nested
      // call's argv (EXEC, scripts, the busy pump) is copied.
      if (ctx.override === undefined) effects.push({ dbIndex, argv: this.depth === 0 ? argv : copyArgv(argv) });
      else if (ctx.override !== null) effects.push({ dbIndex, argv: ownedArgv(ctx.override) });
    }
    for (const extra of ctx.extras) effects.push(extra);
  }

  /** Resolves argv to a spec (with its subcommand) without checks, or undefined. */
  resolve(argv: readonly Buffer[]): CommandSpec | undefined {
    const spec = this.table.lookupArg(argv[0]!);
    if (spec !== undefined && spec.subcommands !== undefined && argv.length >= 2) {
      return this.table.lookup(`${spec.name}|${lowerAscii(argv[1]!)}`);
    }
    return spec;
  }

  private enter(client: Client, argv: readonly Buffer[], out: ReplyWriter, nowMs: number): ExecContext {
    let ctx = this.contexts[this.depth];
    if (ctx === undefined) {
      ctx = new ExecContext(this.keyspace, this);
      this.contexts.push(ctx);
    }
    this.depth++;
    ctx.argv = argv;
    ctx.client = client;
    ctx.db = this.keyspace.db(client.dbIndex);
    ctx.reply = out;
    ctx.nowMs = nowMs;
    this.keyspace.clockMs = nowMs; // access times (OBJECT IDLETIME) use the command's time
    ctx.override = undefined;
    if (ctx.extras.length !== 0) ctx.extras.length = 0;
    return ctx;
  }

  // --- Effects -------------------------------------------------------------------------

  private beginUnit(): void {
    assert(this.collecting === null || this.collecting.length === 0, 'unit of work already open');
    this.collecting = this.onEffects !== undefined && !this.replaying ? [] : null;
  }

  private endUnit(): void {
    const effects = this.collecting;
    this.collecting = null;
    if (effects !== null && effects.length > 0) this.onEffects!({ nowMs: this.nowMs, effects });
  }

  private keyExpired(dbIndex: number, key: string): void {
    this.stats.expiredKeys++;
    if (!this.replaying) notifyKeyspaceEvent(this, null, NotifyType.expired, 'expired', key, dbIndex);
    this.touchWatchedKey(dbIndex, key);
    if (this.collecting !== null) this.collecting.push({ dbIndex, argv: [Buffer.from('DEL'), Buffer.from(key, 'latin1')] });
  }

  // --- WATCH ---------------------------------------------------------------------------

  /** Redis's touchWatchedKey: every client watching (db, key) will fail its EXEC. */
  private touchWatchedKey(dbIndex: number, key: string): void {
    if (this.watchIndex.size === 0) return;
    const wk = watchKey(dbIndex, key);
    const watchers = this.watchIndex.get(wk);
    if (watchers === undefined) return;
    for (const client of watchers) {
      const w = client.watched.get(wk)!;
      // Redis 7: a key already expired at WATCH whose deletion is now observed is no change.
      if (w.expiredAtWatch && !this.keyspace.db(dbIndex).dict.has(key)) {
        w.expiredAtWatch = false;
        continue;
      }
      client.dirtyCas = true;
    }
  }

  /**
   * The half of Redis's touchAllWatchedKeysInDb(db, other) that per-key `modified`
   * signals miss, called before SWAPDB moves anything: a key watched in one of the two
   * databases that only the OTHER holds will appear under the watcher, so its EXEC
   * fails; if the key arriving is already expired, the watch counts it as expired at
   * WATCH instead (Redis: "non-existing key is replaced with an expired key").
   */
  private touchWatchedOnSwap(a: number, b: number): void {
    if (this.watchIndex.size === 0) return;
    const dbA = this.keyspace.db(a);
    const dbB = this.keyspace.db(b);
    for (const watchers of this.watchIndex.values()) {
      for (const client of watchers) {
        for (const w of client.watched.values()) {
          if (w.dbIndex !== a && w.dbIndex !== b) continue;
          const self = w.dbIndex === a ? dbA : dbB;
          const other = w.dbIndex === a ? dbB : dbA;
          if (self.dict.has(w.key) || !other.dict.has(w.key)) continue;
          if (other.isExpired(w.key, this.nowMs)) w.expiredAtWatch = true;
          else client.dirtyCas = true;
        }
      }
    }
  }

  /** WATCH one key for a client (Redis's watchForKey). */
  watch(client: Client, dbIndex: number, key: string, nowMs: number): void {
    const wk = watchKey(dbIndex, key);
    if (client.watched.has(wk)) return;
    client.watched.set(wk, { dbIndex, key, expiredAtWatch: this.keyspace.db(dbIndex).isExpired(key, nowMs) });
    let watchers = this.watchIndex.get(wk);
    if (watchers === undefined) {
      watchers = new Set();
      this.watchIndex.set(wk, watchers);
    }
    watchers.add(client);
  }

  unwatchAll(client: Client): void {
    for (const wk of client.watched.keys()) {
      const watchers = this.watchIndex.get(wk);
      if (watchers === undefined) continue;
      watchers.delete(client);
      if (watchers.size === 0) this.watchIndex.delete(wk);
    }
    client.watched.clear();
  }

  /** Redis's isWatchedKeyExpired: a key live at WATCH that has since expired (not yet deleted). */
  watchedKeyExpired(client: Client, nowMs: number): boolean {
    for (const w of client.watched.values()) {
      if (!w.expiredAtWatch && this.keyspace.db(w.dbIndex).isExpired(w.key, nowMs)) return true;
    }
    return false;
  }

  /** Redis's discardTransaction: leaves MULTI and forgets every watched key. */
  discardTransaction(client: Client): void {
    client.multi = null;
    client.multiAborted = false;
    client.dirtyCas = false;
    this.unwatchAll(client);
  }

  // --- CLIENT PAUSE --------------------------------------------------------------------

  /** Pauses clients until `endMs`; overlapping pauses keep the stronger type and later end. */
  pause(type: PauseLevel, endMs: number): void {
    assert(type !== PauseType.none, 'pause type');
    if (type > this.pauseType) this.pauseType = type;
    if (endMs > this.pauseEndMs) this.pauseEndMs = endMs;
  }

  /** Ends the pause and runs every deferred command, client by client, in order. */
  /** CLIENT UNPAUSE: the pause ends once the current command's reply is written. */
  requestUnpause(): void {
    if (this.pauseType !== PauseType.none) this.pauseEndMs = 0;
  }

  unpause(out: ReplyWriter): void {
    this.pauseType = PauseType.none;
    this.pauseEndMs = 0;
    const clients = this.pausedClients;
    this.pausedClients = [];
    for (const client of clients) {
      const queue = client.deferred.splice(0);
      for (let i = 0; i < queue.length; i++) {
        if (client.closing || !this.clients.has(client.id)) break;
        if (client.deferred.length > 0 || this.blocking.isBlocked(client)) {
          // Paused again or blocked by a command just run: the rest keeps waiting, in order.
          for (let j = i; j < queue.length; j++) client.deferred.push(queue[j]!);
          break;
        }
        this.runTopLevel(client, queue[i]!, out);
      }
    }
  }

  // --- Clients -------------------------------------------------------------------------

  private releaseClient(client: Client): void {
    this.pubsub.removeClient(client);
    this.tracking.disable(client);
    this.blocking.remove(client);
    this.unwatchAll(client);
    client.multi = null;
    client.deferred.length = 0;
    const i = this.pausedClients.indexOf(client);
    if (i >= 0) this.pausedClients.splice(i, 1);
  }

  /** Moves Pub/Sub messages and invalidations for other clients into the batch (no entry open). */
  private flushPushes(out: ReplyWriter): void {
    this.tracking.broadcast();
    this.pubsub.flush(out);
  }

  private flushCloses(out: ReplyWriter): void {
    if (this.pendingCloses.length === 0) return;
    for (const client of this.pendingCloses) {
      out.beginEntry(EntryKind.close, client.id);
      out.endEntry();
    }
    this.pendingCloses.length = 0;
  }
}

/** What a RESP2 client in subscribed mode may run (Redis 7.0's processCommand). */
const pubsubContextCommands = new Set(['ping', 'subscribe', 'ssubscribe', 'unsubscribe', 'sunsubscribe', 'psubscribe', 'punsubscribe', 'quit', 'reset']);

function isWriteish(spec: CommandSpec): boolean {
  return spec.flags.includes('write') || spec.flags.includes('may_replicate');
}

function copyArgv(argv: readonly Buffer[]): Buffer[] {
  const out: Buffer[] = new Array(argv.length);
  for (let i = 0; i < argv.length; i++) out[i] = Buffer.from(argv[i]!);
  return out;
}

/** An argument as C's "%.Ns" prints it: up to the first NUL, at most `max` bytes. */
function cString(buf: Buffer, max = Infinity): string {
  let end = Math.min(buf.length, max);
  const nul = buf.indexOf(0);
  if (nul >= 0 && nul < end) end = nul;
  return buf.latin1Slice(0, end);
}

/** Redis's addReplyErrorFormat: CR and LF in an error become spaces (the reply must stay one line). */
export function sanitizeError(s: string): string {
  return /[\r\n]/.test(s) ? s.replace(/[\r\n]/g, ' ') : s;
}
