// The busy gate (io-mux, main thread): while the engine worker runs a script past
// busy-reply-threshold it answers nothing, so the io-mux answers for it, as Redis 7.0's
// processCommand does while a script is busy (script.c, server.c):
//   - commands refused before the busy check (unknown command or subcommand, arity,
//     NOAUTH) get those errors;
//   - commands without the allow_busy flag get -BUSY (the EVAL or FUNCTION text), EXEC
//     gets -EXECABORT with it;
//   - SCRIPT KILL / FUNCTION KILL set the kill bit in the control area (script.c's
//     scriptKill checks, in order: NOTBUSY, UNKILLABLE, wrong kind);
//   - SHUTDOWN NOSAVE stops the server (any other SHUTDOWN gets -BUSY); QUIT answers +OK
//     and closes;
//   - FUNCTION STATS (functionStatsCommand): -BUSY (EVAL text, no MULTI flagging: it is
//     the command's own reply) while an EVAL is busy; while a function is, running_script
//     (name, the FCALL as sent, duration_ms) and the engine counts, in the client's
//     protocol, from what the engine published at busy onset (control-area.ts). It goes
//     to the engine when its protocol is ambiguous in the RESP3 bitmap, or when the
//     FCALL was too large to publish;
//   - a client in MULTI (at busy onset: control-area.ts's MULTI bitmap, or opened here)
//     gets Redis's no_multi error for SHUTDOWN (checked before the busy rule); MULTI
//     there is "nested", WATCH "inside MULTI", DISCARD +OK, RESET goes to the engine,
//     and its other allow_busy commands (SCRIPT KILL, FUNCTION STATS, AUTH, UNWATCH...)
//     are answered +QUEUED, as processCommand queues them;
//   - a client surely outside MULTI (the outside-MULTI bitmap, or a DISCARD/EXEC here)
//     gets MULTI +OK, DISCARD "without MULTI", UNWATCH +OK at once;
//   - what such an answer changes in the client (MULTI opened or discarded, keys
//     unwatched, a command queued) goes to the engine in a busyApplied request entry
//     (batch-format.ts; control-area.ts's BusyChange), applied without a reply, in
//     order with the client's requests;
//   - WATCH, AUTH, HELLO and RESET outside MULTI (and any allow_busy command of a client
//     whose MULTI state the bitmaps leave unsure) go to the engine's queue: their reply
//     needs engine state (the password, the HELLO fields), and a WATCH must see the
//     script's later writes. The engine's busy pump (src/workers/busy-pump.ts) answers
//     them from the script's count hook, at once as Redis does; the connection is then
//     no longer idle for this episode, and the pump answers its later requests too.
// A rejection also tells the engine (a busyApplied entry), so that an open MULTI is
// flagged (EXECABORT later) or, for EXEC, discarded, as rejectCommand does.
//
// The gate's view of a client's MULTI (multiLocal) holds while the client sends nothing
// to the engine (its lastRecord is unchanged): the changes sent then still describe the
// client's state the engine will reach, even in a later busy episode whose bitmaps
// were taken before the engine applied them.
//
// Reply order: the gate answers only a connection that is idle: all of its earlier
// requests went in request records before the busy one (so their replies were pushed
// before the script started: the gate drains the reply ring once per busy episode before
// answering), and the engine did not mark it as owing replies (blocked, held by the
// journal, paused, RESP2 subscribed, CLIENT REPLY OFF/SKIP). Everything else waits for
// the engine, in order.
//
// Requests that reached the engine's queue before the script turned busy (and any
// request of a connection that is not idle) are answered by the engine's busy pump.

import { lowerAscii } from '../engine/args.js';
import type { CommandSpec } from '../engine/command.js';
import { buildCommandTable, type CommandTable } from '../engine/command-table.js';
import {
  BusyChange,
  busyReplyEval,
  busyReplyFunction,
  noShutdownReply,
  ScriptFlag,
  shutdownWhileBusy,
  type ControlArea,
} from '../workers/control-area.js';

/** What the gate needs of a connection. */
export interface GateConnection {
  readonly id: number;
  readonly authenticated: boolean;
  /** Upper bound of the request record holding its latest request that expects a reply. */
  readonly lastRecord: number;
  /** Writes a reply (applies the output limits). */
  write(bytes: Uint8Array): void;
  endAfterWrites(): void;
  /**
   * Tells the engine what the gate answered (a busyApplied entry, no reply): argv[0] is
   * one byte, the BusyChange; the rest is the queued command (BusyChange.queue).
   */
  sendUnanswered(argv: readonly Buffer[]): void;
}

export interface BusyGateHost {
  /** Drains the reply ring (replies of records before the busy one). */
  drainReplies(): void;
  /** SHUTDOWN NOSAVE while busy: stop the server now. */
  shutdownNow(): void;
  /** Wall clock, ms since the epoch (FUNCTION STATS's duration_ms); default: performance's. */
  nowMs?(): number;
}

const wallClockMs = (): number => performance.timeOrigin + performance.now();

const okReply = Buffer.from('+OK\r\n');
const queuedReply = Buffer.from('+QUEUED\r\n');
const multiNestedReply = Buffer.from('-ERR MULTI calls can not be nested\r\n');
const watchInMultiReply = Buffer.from('-ERR WATCH inside MULTI is not allowed\r\n');
const discardWithoutMultiReply = Buffer.from('-ERR DISCARD without MULTI\r\n');
/** sendUnanswered's arguments for each BusyChange (the queue change carries the command after it). */
const changeFlag = [Buffer.of(BusyChange.flag)];
const changeExec = [Buffer.of(BusyChange.exec)];
const changeMulti = [Buffer.of(BusyChange.multi)];
const changeDiscard = [Buffer.of(BusyChange.discard)];
const changeUnwatch = [Buffer.of(BusyChange.unwatch)];
const changeQueue = Buffer.of(BusyChange.queue);

/** What the gate knows of a connection's MULTI: in, out, or unsure (bitmap collision). */
type MultiState = 'in' | 'out' | 'unsure';
/** FUNCTION STATS up to running_script's fields: the outer map (2) and running_script's (3). */
const statsHead2 = Buffer.from('*4\r\n$14\r\nrunning_script\r\n*6\r\n');
const statsHead3 = Buffer.from('%2\r\n$14\r\nrunning_script\r\n%3\r\n');

export class BusyGate {
  private table: CommandTable | null = null;
  /** The busy episode (scriptState) whose earlier replies were drained, or 0. */
  private drainedState = 0;
  /** Rejections this gate answered (tests and introspection). */
  rejected = 0;
  /**
   * Markers already sent per connection in a busy episode: during one episode an idle
   * connection's MULTI can only be flagged, then discarded by EXEC (MULTI itself goes to
   * the engine), so one change of each kind is enough, and a client hammering a long
   * busy script does not fill the request ring with them.
   */
  private readonly marked = new WeakMap<GateConnection, { episode: number; flag: boolean; exec: boolean }>();
  /** MULTI state the gate gave a connection, valid while its lastRecord is unchanged. */
  private readonly multiLocal = new WeakMap<GateConnection, { lastRecord: number; multi: boolean }>();

  constructor(
    private readonly control: ControlArea,
    private readonly host: BusyGateHost,
  ) {}

  /** Cheap check for the hot path: is a script busy now? */
  get busy(): boolean {
    return (this.control.scriptState & ScriptFlag.busy) !== 0;
  }

  /**
   * Called before a connection's input is parsed: on the first sight of a busy episode,
   * drains the replies the engine pushed before the script, so that the gate's own
   * replies come after them. Not called from inside a parse (re-entrancy). Returns
   * whether a script is busy: only then does the connection offer this input's commands
   * to intercept() (one shared-memory load per read, not one per command).
   */
  prepare(): boolean {
    const s = this.control.scriptState;
    if ((s & ScriptFlag.busy) === 0) return false;
    if ((s & ~0xff) !== (this.drainedState & ~0xff)) {
      this.host.drainReplies();
      this.drainedState = s;
    }
    return true;
  }

  /**
   * Answers `argv` for the engine if a script is busy and the connection is idle.
   * Returns true if the command was handled here (it must not go to the engine).
   */
  intercept(conn: GateConnection, argv: readonly Buffer[]): boolean {
    const s = this.control.scriptState;
    if ((s & ScriptFlag.busy) === 0) return false;
    if ((s & ~0xff) !== (this.drainedState & ~0xff)) return false; // not drained yet: wait
    if (conn.lastRecord >= this.control.busyRecord || this.control.owes(conn.id)) return false;
    const table = (this.table ??= buildCommandTable());
    let spec: CommandSpec | undefined = table.lookupArg(argv[0]!);
    if (spec !== undefined && spec.subcommands !== undefined && argv.length >= 2) {
      spec = table.lookup(`${spec.name}|${lowerAscii(argv[1]!)}`);
      if (spec === undefined) {
        this.reject(conn, undefined, `ERR unknown subcommand '${cString(argv[1]!, 128)}'. Try ${cString(argv[0]!).toUpperCase()} HELP.`);
        return true;
      }
    }
    if (spec === undefined) {
      let args = '';
      for (let i = 1; i < argv.length && args.length < 128; i++) args += `'${cString(argv[i]!, 128 - args.length)}' `;
      this.reject(conn, undefined, `ERR unknown command '${cString(argv[0]!, 128)}', with args beginning with: ${args}`);
      return true;
    }
    if ((spec.arity > 0 && spec.arity !== argv.length) || argv.length < -spec.arity) {
      this.reject(conn, spec, `ERR wrong number of arguments for '${spec.name}' command`);
      return true;
    }
    if (!conn.authenticated && !spec.flags.includes('no_auth')) {
      this.reject(conn, spec, 'NOAUTH Authentication required.');
      return true;
    }
    const multi = this.multiState(conn);
    if (multi === 'in' && spec.flags.includes('no_multi')) {
      this.reject(conn, spec, 'ERR Command not allowed inside a transaction');
      return true;
    }
    const busyText = (s & ScriptFlag.function) !== 0 ? busyReplyFunction : busyReplyEval;
    if (!spec.flags.includes('allow_busy')) {
      this.reject(conn, spec, busyText.slice(1, -2));
      return true;
    }
    if (multi === 'in' && spec.name !== 'quit') return this.inMulti(conn, spec.name, argv);
    if (multi === 'out') {
      switch (spec.name) {
        case 'multi':
          conn.write(okReply);
          this.setMulti(conn, true);
          this.marked.delete(conn); // a new MULTI: its rejections need changes sent again
          conn.sendUnanswered(changeMulti);
          return true;
        case 'discard':
          conn.write(discardWithoutMultiReply);
          return true;
        case 'unwatch':
          conn.write(okReply);
          conn.sendUnanswered(changeUnwatch);
          return true;
        default:
          break;
      }
    }
    switch (spec.name) {
      case 'script|kill':
        conn.write(Buffer.from(this.control.kill(true), 'latin1'));
        return true;
      case 'function|kill':
        conn.write(Buffer.from(this.control.kill(false), 'latin1'));
        return true;
      case 'quit':
        conn.write(okReply);
        conn.endAfterWrites();
        return true;
      case 'shutdown':
        return this.shutdown(conn, argv, busyText);
      case 'function|stats':
        return this.functionStats(conn, s);
      default:
        return false; // WATCH, AUTH, HELLO, RESET, or MULTI state unsure: the engine's busy pump answers
    }
  }

  /** processCommand for a client in MULTI: the exempt commands run, the others are queued. */
  private inMulti(conn: GateConnection, name: string, argv: readonly Buffer[]): boolean {
    switch (name) {
      case 'multi':
        conn.write(multiNestedReply);
        return true;
      case 'watch':
        conn.write(watchInMultiReply);
        return true;
      case 'discard':
        conn.write(okReply);
        this.setMulti(conn, false);
        conn.sendUnanswered(changeDiscard);
        return true;
      case 'reset':
        return false; // the engine's busy pump resets the client
      default:
        conn.write(queuedReply);
        conn.sendUnanswered([changeQueue, ...argv]);
        return true;
    }
  }

  private multiState(conn: GateConnection): MultiState {
    const local = this.multiLocal.get(conn);
    if (local !== undefined && local.lastRecord === conn.lastRecord) return local.multi ? 'in' : 'out';
    if (this.control.inMulti(conn.id)) return 'in';
    if (this.control.outsideMulti(conn.id)) return 'out';
    return 'unsure';
  }

  private setMulti(conn: GateConnection, multi: boolean): void {
    this.multiLocal.set(conn, { lastRecord: conn.lastRecord, multi });
  }

  /** shutdownCommand's argument checks, then: NOSAVE stops the server, else -BUSY. */
  private shutdown(conn: GateConnection, argv: readonly Buffer[], busyText: string): boolean {
    switch (shutdownWhileBusy(argv)) {
      case 'syntax':
        this.reject(conn, undefined, 'ERR syntax error');
        return true;
      case 'abort':
        conn.write(Buffer.from(noShutdownReply));
        return true;
      case 'busy':
        conn.write(Buffer.from(busyText, 'latin1'));
        return true;
      case 'nosave':
        this.host.shutdownNow();
        return true;
    }
  }

  /** functionStatsCommand while a script is busy (see the file comment for when it defers). */
  private functionStats(conn: GateConnection, state: number): boolean {
    if (this.control.statsWait(conn.id)) return false;
    if ((state & ScriptFlag.function) === 0) {
      conn.write(Buffer.from(busyReplyEval, 'latin1'));
      return true;
    }
    const running = this.control.readRunning(state);
    if (running === null) return false;
    const resp3 = this.control.isResp3(conn.id);
    const nowMs = this.host.nowMs?.() ?? wallClockMs();
    const durationMs = Math.max(0, Math.floor(nowMs - running.startMs));
    conn.write(
      Buffer.concat([
        resp3 ? statsHead3 : statsHead2,
        running.record,
        Buffer.from(
          `$11\r\nduration_ms\r\n:${durationMs}\r\n$7\r\nengines\r\n${resp3 ? '%1' : '*2'}\r\n$3\r\nLUA\r\n${resp3 ? '%2' : '*4'}\r\n` +
            `$15\r\nlibraries_count\r\n:${running.librariesCount}\r\n$15\r\nfunctions_count\r\n:${running.functionsCount}\r\n`,
          'latin1',
        ),
      ]),
    );
    return true;
  }

  /** rejectCommand: the error (EXECABORT for EXEC), and the engine flags the MULTI. */
  private reject(conn: GateConnection, spec: CommandSpec | undefined, message: string): void {
    this.rejected++;
    const exec = spec !== undefined && spec.name === 'exec';
    let text = message;
    if (exec) text = `EXECABORT Transaction discarded because of: ${message.startsWith('ERR ') ? message.slice(4) : message}`;
    conn.write(Buffer.from(`-${text.replace(/[\r\n]/g, ' ')}\r\n`, 'latin1'));
    if (exec) this.setMulti(conn, false); // rejectCommand discards the transaction
    const episode = this.control.scriptState & ~0xff;
    let m = this.marked.get(conn);
    if (m === undefined || m.episode !== episode) {
      m = { episode, flag: false, exec: false };
      this.marked.set(conn, m);
    }
    if (exec ? m.exec : m.flag) return;
    if (exec) m.exec = true;
    else m.flag = true;
    conn.sendUnanswered(exec ? changeExec : changeFlag);
  }
}

/** The engine's cString: up to `max` bytes, cut at the first NUL (Redis's %s of an sds). */
function cString(buf: Buffer, max = Infinity): string {
  let end = Math.min(buf.length, max);
  const nul = buf.indexOf(0);
  if (nul >= 0 && nul < end) end = nul;
  return buf.latin1Slice(0, end);
}
