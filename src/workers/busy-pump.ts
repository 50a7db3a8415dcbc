// The busy pump (engine worker thread): while a script runs past busy-reply-threshold,
// the Lua count hook calls it (through control-hooks.ts's ScriptWatch.whileBusy), and it
// answers the requests queued behind the script, as Redis 7.0 does from
// processEventsWhileBlocked: Redis leaves sockets unread while a script runs, and once
// the script is busy it reads them and runs processCommand, which answers -BUSY to every
// command without the allow_busy flag and runs the others (script.c, server.c).
//
// The io-mux's busy gate (src/io-mux/busy-gate.ts) answers connections that had nothing
// in the engine's queue; this pump answers the rest: requests that were already queued
// behind the script (the rest of its request record, and the records that reached the
// ring before the threshold), and those arriving meanwhile for connections the gate
// cannot answer. It runs the same rules as the engine's dispatch, with the busy check
// where processCommand has it: unknown command or subcommand, arity, NOAUTH, a no_multi
// command in MULTI, then -BUSY (EVAL or FUNCTION text; EXEC's -EXECABORT discards the
// transaction; any other rejection flags an open MULTI). An allow_busy command of a
// client in MULTI is queued (+QUEUED) unless MULTI itself exempts it; SCRIPT KILL and
// FUNCTION KILL set the kill bit (control-area.ts), SHUTDOWN follows the gate's rules,
// FUNCTION STATS reports the running script, QUIT answers +OK and closes, and MULTI,
// DISCARD, WATCH, UNWATCH, AUTH, HELLO and RESET run (engine.call): a WATCHed key the
// script writes afterwards fails the watcher's EXEC, as in Redis.
//
// A request of a client that must wait is copied aside (postponed) and run after the
// script, in order: the script's caller (Redis does not read a client running a
// script), clients that owe replies at busy onset (blocked, paused, held by the journal,
// RESP2 subscribed, CLIENT REPLY OFF/SKIP, as the gate's owed bitmap), and, from then
// on, every client that has a postponed request. Socket closes are postponed too (the
// engine releases a client between commands only).
//
// Reply order: at busy onset the worker pushes the replies written before the script's
// open reply entry (the prefix of its reply batch), so every reply the pump sends comes
// after them; a client's replies in the script's own entry (the caller) are postponed
// with it. The pump's replies go in reply records of their own, pushed as it answers,
// after the Pub/Sub messages the script published so far (without a journal).
//
// Ring records: to read past the script's own request record the pump must release it,
// so at busy onset the running command's argv (views into that record) are replaced in
// place by copies: nothing that runs after the script reads the released bytes.
//
// Invariants: the pump runs only inside a busy script's count hook (never nested); it
// consumes whole records (the rest of the current one first); an entry is either
// answered now or postponed, never both; a client with a postponed entry has all its
// later entries postponed; postponed entries run before any later request record.

import { assert } from '../assert.js';
import type { Client } from '../engine/client.js';
import type { CommandSpec } from '../engine/command.js';
import { lowerAscii } from '../engine/args.js';
import type { Engine } from '../engine/engine.js';
import { EntryKind, ReplyWriter } from '../engine/reply.js';
import type { Tracker } from '../durability/tracker.js';
import { functionCounts } from '../engine/commands/scripting.js';
import { runningScriptInfo } from '../engine/scripting/lua-vm.js';
import { stringValueBytesMax } from '../limits.js';
import { RecordKind, RequestKind, RequestReader, recordHeaderBytes, replyKindSynced } from './batch-format.js';
import {
  busyReplyEval,
  busyReplyFunction,
  noShutdownReply,
  ScriptFlag,
  shutdownWhileBusy,
  type ControlArea,
} from './control-area.js';
import { applyBusyChange } from './engine-control.js';

/** What the pump needs of the worker loop. */
export interface BusyPumpHost {
  /** The worker's reader, positioned after the running command's entry. */
  readonly reader: RequestReader;
  /** The argv of the command running the script (views into its record), or null. */
  currentArgv(): Buffer[] | null;
  /**
   * Busy onset: pushes the replies written before the open reply entry; returns the
   * entry's client (the script's caller), or -1 if there is no open entry or the prefix
   * could not be pushed (then every request is postponed).
   */
  flushPrefix(): number;
  /**
   * Releases the record being read, pops the next one (counted as the worker counts
   * records): its bytes, 'shutdown' (the io-mux is closing), or null if the ring is empty.
   * The bytes are valid until the next call.
   */
  nextRecord(): Buffer | 'shutdown' | null;
  /** Pushes a reply record (record kind byte first) and wakes the io-mux. */
  pushReplies(record: Buffer): void;
  /** SHUTDOWN NOSAVE while busy: stop the server. */
  shutdownNow(): void;
}

/** Commands that run even inside MULTI instead of being queued (the engine's multiExempt). */
const multiExempt = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);
/** What a RESP2 client in subscribed mode may run (the engine's pubsubContextCommands). */
const pubsubContextCommands = new Set(['ping', 'subscribe', 'ssubscribe', 'unsubscribe', 'sunsubscribe', 'psubscribe', 'punsubscribe', 'quit', 'reset']);
const authenticatedBody = Buffer.of(1);
const unauthenticatedBody = Buffer.of(0);
/** Flush the pump's replies once they are this large (they are small: errors, +QUEUED...). */
const pumpFlushBytes = 64 * 1024;

export class BusyPump {
  /** A busy episode is in progress (between onBusy and onEnd). */
  private active = false;
  /** False when the prefix could not be pushed: everything is postponed (the old way). */
  private answering = false;
  private callerId = -1;
  private busyText = busyReplyEval;
  /** Clients whose requests wait for the script. */
  private readonly waiting = new Set<number>();
  /** Postponed entries, back to back after a record kind byte (a batch record). */
  private postponed = Buffer.allocUnsafe(4096);
  private postponedBytes = recordHeaderBytes;
  private readonly out = new ReplyWriter(4096);
  private readonly records = new RequestReader();
  /** The io-mux is closing (a shutdown record was popped): the worker loop must stop. */
  shutdownSeen = false;
  /** Requests answered while busy (tests and introspection). */
  answered = 0;

  constructor(
    private readonly engine: Engine,
    private readonly control: ControlArea,
    private readonly tracker: Tracker | undefined,
    private readonly host: BusyPumpHost,
  ) {
    this.postponed[0] = RecordKind.batch;
    this.startOut();
  }

  /** The script turns busy (called just before BUSY is published). */
  onBusy(isFunction: boolean): void {
    assert(!this.active, 'busy episodes do not nest');
    this.active = true;
    this.busyText = isFunction ? busyReplyFunction : busyReplyEval;
    // The record holding the running command is released below: its argv must not view it.
    const argv = this.host.currentArgv();
    if (argv !== null) for (let i = 0; i < argv.length; i++) argv[i] = Buffer.from(argv[i]!);
    this.callerId = this.host.flushPrefix();
    this.answering = this.callerId >= 0;
    this.waiting.clear();
    if (this.callerId >= 0) this.waiting.add(this.callerId);
    const engine = this.engine;
    for (const c of engine.clients.values()) {
      if (c.blocked || engine.blocking.isBlocked(c) || c.deferred.length > 0 || (c.pubsubMode && c.resp === 2) || c.replyMode !== 'on') {
        this.waiting.add(c.id);
      }
    }
    if (this.tracker !== undefined && this.tracker.heldCount > 0) for (const id of this.tracker.heldClientIds()) this.waiting.add(id);
    this.flushPushes();
    this.flushOut();
  }

  /**
   * What the script published so far reaches subscribers before any answer, as Redis
   * writes a message at PUBLISH time. Not with a journal: nobody may learn of the
   * script's effects before they are durable (the engine's tracker holds them).
   */
  private flushPushes(): void {
    if (this.tracker === undefined) this.engine.pubsub.flush(this.out);
  }

  /** The busy script ended: what is left waits in the postponed batch. */
  onEnd(): void {
    this.active = false;
  }

  /** From the count hook while busy: answers or postpones every request queued so far. */
  run(): void {
    if (!this.active) return;
    this.flushPushes();
    this.drain(this.host.reader);
    for (;;) {
      const record = this.host.nextRecord();
      if (record === null) break;
      if (record === 'shutdown') {
        this.shutdownSeen = true;
        break;
      }
      this.records.reset(record);
      this.drain(this.records);
      if (this.shutdownSeen) break;
    }
    this.flushOut();
  }

  /** The postponed batch (a request record), or null; the worker runs it after the script. */
  takePostponed(): Buffer | null {
    if (this.postponedBytes === recordHeaderBytes) return null;
    const record = Buffer.from(this.postponed.subarray(0, this.postponedBytes));
    this.postponedBytes = recordHeaderBytes;
    return record;
  }

  private drain(reader: RequestReader): void {
    while (!reader.done) {
      const start = reader.offset;
      const kind = reader.u8();
      const clientId = reader.u32();
      switch (kind) {
        case RequestKind.command: {
          const argv = reader.argv();
          if (!this.answering || this.waiting.has(clientId)) this.postpone(reader, start, clientId);
          else this.answer(clientId, argv);
          break;
        }
        case RequestKind.busyApplied: {
          // What the gate answered for a connection it saw idle, in order.
          const change = reader.u8();
          const queued = reader.argv();
          if (!this.answering || this.waiting.has(clientId)) this.postpone(reader, start, clientId);
          else applyBusyChange(this.engine, clientId, change, queued);
          break;
        }
        case RequestKind.open: {
          const addr = reader.latin1();
          const laddr = reader.latin1();
          this.engine.openClient(clientId, addr, laddr);
          break;
        }
        case RequestKind.close:
          this.postpone(reader, start, clientId); // released between commands only
          break;
        case RequestKind.protocolError: {
          const text = reader.latin1();
          if (!this.answering || this.waiting.has(clientId)) {
            this.postpone(reader, start, clientId);
            break;
          }
          const out = this.out;
          out.beginEntry(EntryKind.reply, clientId);
          out.error(`ERR ${text}`);
          out.endEntry();
          out.beginEntry(EntryKind.close, clientId);
          out.endEntry();
          this.waiting.add(clientId); // its close follows
          break;
        }
        case RequestKind.sync:
          if (!this.answering || this.waiting.has(clientId)) {
            this.postpone(reader, start, clientId);
            break;
          }
          this.out.beginEntry(replyKindSynced, clientId);
          this.out.endEntry();
          break;
        default:
          assert(false, `unknown request entry kind ${kind}`);
      }
      if (this.out.length >= pumpFlushBytes) this.flushOut();
    }
  }

  /** Copies the entry reader.buf[start, reader.offset) into the postponed batch. */
  private postpone(reader: RequestReader, start: number, clientId: number): void {
    this.waiting.add(clientId);
    const n = reader.offset - start;
    if (this.postponedBytes + n > this.postponed.length) {
      let size = this.postponed.length * 2;
      while (size < this.postponedBytes + n) size *= 2;
      const next = Buffer.allocUnsafe(size);
      this.postponed.copy(next, 0, 0, this.postponedBytes);
      this.postponed = next;
    }
    reader.buf.copy(this.postponed, this.postponedBytes, start, reader.offset);
    this.postponedBytes += n;
  }

  /** processCommand for a client that is not waiting, while the script is busy. */
  private answer(clientId: number, argv: Buffer[]): void {
    const engine = this.engine;
    const client = engine.clients.get(clientId);
    assert(client !== undefined, `busy request for unknown client ${clientId}`);
    if (client.closing) return; // Redis stops reading a client marked to close
    this.answered++;
    client.lastInteractionMs = engine.clock();
    const out = this.out;
    out.resp = client.resp;
    const wasAuthenticated = client.authenticated;
    out.beginEntry(EntryKind.reply, clientId);
    this.dispatch(client, argv);
    out.endEntryOrDropIfEmpty();
    if (client.authenticated !== wasAuthenticated) {
      out.beginEntry(EntryKind.authenticated, clientId);
      out.raw(client.authenticated ? authenticatedBody : unauthenticatedBody);
      out.endEntry();
    }
    if (client.closing) {
      // QUIT: close after the reply, now (the engine's own close entry waits for the script).
      out.beginEntry(EntryKind.close, clientId);
      out.endEntry();
    }
  }

  private dispatch(client: Client, argv: Buffer[]): void {
    const engine = this.engine;
    const out = this.out;
    let spec = engine.table.lookupArg(argv[0]!);
    if (spec !== undefined && spec.subcommands !== undefined && argv.length >= 2) {
      spec = engine.table.lookup(`${spec.name}|${lowerAscii(argv[1]!)}`);
      if (spec === undefined) {
        client.lastCommand = 'NULL';
        this.reject(client, undefined, `ERR unknown subcommand '${cString(argv[1]!, 128)}'. Try ${cString(argv[0]!).toUpperCase()} HELP.`);
        return;
      }
    }
    client.lastCommand = spec === undefined ? 'NULL' : spec.name;
    if (spec === undefined) {
      let args = '';
      for (let i = 1; i < argv.length && args.length < 128; i++) args += `'${cString(argv[i]!, 128 - args.length)}' `;
      this.reject(client, undefined, `ERR unknown command '${cString(argv[0]!, 128)}', with args beginning with: ${args}`);
      return;
    }
    if ((spec.arity > 0 && spec.arity !== argv.length) || argv.length < -spec.arity) {
      this.reject(client, spec, `ERR wrong number of arguments for '${spec.name}' command`);
      return;
    }
    for (let i = 1; i < argv.length; i++) {
      if (argv[i]!.length > stringValueBytesMax) {
        this.reject(client, spec, 'ERR string exceeds maximum allowed size (proto-max-bulk-len)');
        return;
      }
    }
    if (!client.authenticated && !spec.flags.includes('no_auth')) {
      this.reject(client, spec, 'NOAUTH Authentication required.');
      return;
    }
    if (client.multi !== null && spec.flags.includes('no_multi')) {
      this.reject(client, spec, 'ERR Command not allowed inside a transaction');
      return;
    }
    // A RESP3 subscriber that said HELLO 2 while busy (RESP2 subscribers wait).
    if (client.pubsubMode && client.resp === 2 && !pubsubContextCommands.has(spec.name)) {
      this.reject(client, spec, `ERR Can't execute '${spec.name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`);
      return;
    }
    if (!spec.flags.includes('allow_busy')) {
      this.reject(client, spec, this.busyText.slice(1, -2));
      return;
    }
    if (client.multi !== null && !multiExempt.has(spec.name)) {
      client.multi.push({ spec, argv: argv.map((a) => Buffer.from(a)) });
      out.status('QUEUED');
      return;
    }
    switch (spec.name) {
      case 'script|kill':
        out.raw(Buffer.from(this.control.kill(true), 'latin1'));
        return;
      case 'function|kill':
        out.raw(Buffer.from(this.control.kill(false), 'latin1'));
        return;
      case 'shutdown':
        this.shutdown(client, argv);
        return;
      case 'function|stats':
        this.functionStats();
        return;
      default:
        // MULTI, DISCARD, WATCH, UNWATCH, AUTH, HELLO, RESET, QUIT: as outside a script.
        engine.call(client, spec, argv, out);
    }
  }

  private shutdown(client: Client, argv: readonly Buffer[]): void {
    switch (shutdownWhileBusy(argv)) {
      case 'syntax':
        this.reject(client, undefined, 'ERR syntax error');
        return;
      case 'abort':
        this.out.raw(Buffer.from(noShutdownReply));
        return;
      case 'busy':
        this.out.raw(Buffer.from(this.busyText, 'latin1'));
        return;
      case 'nosave':
        this.host.shutdownNow();
        return;
    }
  }

  /** functionStatsCommand while busy: -BUSY during an EVAL, else running_script and the counts. */
  private functionStats(): void {
    const out = this.out;
    if ((this.control.scriptState & ScriptFlag.function) === 0) {
      out.raw(Buffer.from(busyReplyEval, 'latin1'));
      return;
    }
    const run = runningScriptInfo();
    const counts = functionCounts(this.engine);
    out.map(2);
    out.bulk(Buffer.from('running_script'));
    out.map(3);
    out.bulk(Buffer.from('name'));
    out.bulk(Buffer.from(run.name, 'latin1'));
    out.bulk(Buffer.from('command'));
    out.array(run.argv.length);
    for (const a of run.argv) out.bulk(a);
    out.bulk(Buffer.from('duration_ms'));
    out.int(Math.max(0, Math.floor(performance.timeOrigin + performance.now() - run.startEpochMs)));
    out.bulk(Buffer.from('engines'));
    out.map(1);
    out.bulk(Buffer.from('LUA'));
    out.map(2);
    out.bulk(Buffer.from('libraries_count'));
    out.int(counts.libraries);
    out.bulk(Buffer.from('functions_count'));
    out.int(counts.functions);
  }

  /** rejectCommand: the error, counted; EXEC discards the transaction, others flag it. */
  private reject(client: Client, spec: CommandSpec | undefined, message: string): void {
    let text = message;
    if (spec !== undefined && spec.name === 'exec') {
      this.engine.discardTransaction(client);
      text = `EXECABORT Transaction discarded because of: ${message.startsWith('ERR ') ? message.slice(4) : message}`;
    } else if (client.multi !== null) {
      client.multiAborted = true;
    }
    text = text.replace(/[\r\n]/g, ' ');
    this.out.error(text);
    const stats = this.engine.stats;
    if (spec !== undefined) stats.recordRejected(spec.name);
    else stats.totalErrorReplies++;
    const space = text.indexOf(' ');
    stats.recordErrorCode(space < 0 || space >= 31 ? 'ERR' : text); // the engine's countErrorCode rule
  }

  private startOut(): void {
    const out = this.out;
    out.reset();
    out.ensure(recordHeaderBytes);
    out.buf[0] = RecordKind.batch;
    out.length = recordHeaderBytes;
  }

  private flushOut(): void {
    if (this.out.length === recordHeaderBytes) return;
    this.host.pushReplies(this.out.buf.subarray(0, this.out.length));
    this.startOut();
  }
}

/** An argument as C's "%.Ns" prints it: up to the first NUL, at most `max` bytes. */
function cString(buf: Buffer, max = Infinity): string {
  let end = Math.min(buf.length, max);
  const nul = buf.indexOf(0);
  if (nul >= 0 && nul < end) end = nul;
  return buf.latin1Slice(0, end);
}
