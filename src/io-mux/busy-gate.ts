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
//   - a client in MULTI (at busy onset: control-area.ts's MULTI bitmap) gets Redis's
//     no_multi error for SHUTDOWN (checked before the busy rule), and its other
//     allow_busy commands (SCRIPT KILL, FUNCTION KILL, FUNCTION STATS...) but QUIT go to
//     the engine, which queues them after the script, where Redis says QUEUED at once;
//   - the other allow_busy commands (MULTI, WATCH, AUTH, HELLO, RESET, ...) go to the
//     engine and are answered when the script ends (Redis runs them at once; KeelDB's
//     engine cannot while it runs the script). Their connection then waits too.
// A rejection also tells the engine (a marker command, see busyRejectedMarker), so that
// an open MULTI is flagged (EXECABORT later) or, for EXEC, discarded, as rejectCommand
// does.
//
// Reply order: the gate answers only a connection that is idle: all of its earlier
// requests went in request records before the busy one (so their replies were pushed
// before the script started: the gate drains the reply ring once per busy episode before
// answering), and the engine did not mark it as owing replies (blocked, held by the
// journal, paused, RESP2 subscribed, CLIENT REPLY OFF/SKIP). Everything else waits for
// the engine, in order.
//
// Difference from Redis: a command that reached the io-mux while the script ran but
// before it passed the threshold is already in the engine's queue and is answered after
// the script (Redis leaves it unread and answers -BUSY at the threshold).

import { lowerAscii } from '../engine/args.js';
import type { CommandSpec } from '../engine/command.js';
import { buildCommandTable, type CommandTable } from '../engine/command-table.js';
import {
  busyRejectedExec,
  busyRejectedFlag,
  busyRejectedMarker,
  busyReplyEval,
  busyReplyFunction,
  ScriptFlag,
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
  /** Sends the engine a request (the marker) without expecting a reply. */
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
   * the engine), so one marker of each kind is enough, and a client hammering a long
   * busy script does not fill the request ring with markers.
   */
  private readonly marked = new WeakMap<GateConnection, { episode: number; flag: boolean; exec: boolean }>();

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
   * replies come after them. Not called from inside a parse (re-entrancy).
   */
  prepare(): void {
    const s = this.control.scriptState;
    if ((s & ScriptFlag.busy) === 0 || (s & ~0xff) === (this.drainedState & ~0xff)) return;
    this.host.drainReplies();
    this.drainedState = s;
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
    const inMulti = this.control.inMulti(conn.id);
    if (inMulti && spec.flags.includes('no_multi')) {
      this.reject(conn, spec, 'ERR Command not allowed inside a transaction');
      return true;
    }
    const busyText = (s & ScriptFlag.function) !== 0 ? busyReplyFunction : busyReplyEval;
    if (!spec.flags.includes('allow_busy')) {
      this.reject(conn, spec, busyText.slice(1, -2));
      return true;
    }
    if (inMulti && spec.name !== 'quit') return false; // queued by the engine, as Redis queues it
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
        return false; // MULTI, WATCH, AUTH, HELLO, RESET...: the engine answers after the script
    }
  }

  /** shutdownCommand's argument checks, then: NOSAVE stops the server, else -BUSY. */
  private shutdown(conn: GateConnection, argv: readonly Buffer[], busyText: string): boolean {
    let nosave = false;
    let save = false;
    let other = false;
    let abort = false;
    for (let i = 1; i < argv.length; i++) {
      const a = lowerAscii(argv[i]!);
      if (a === 'nosave') nosave = true;
      else if (a === 'save') save = true;
      else if (a === 'now' || a === 'force') other = true;
      else if (a === 'abort') abort = true;
      else {
        this.reject(conn, undefined, 'ERR syntax error');
        return true;
      }
    }
    if ((abort && (nosave || save || other)) || (nosave && save)) {
      this.reject(conn, undefined, 'ERR syntax error');
      return true;
    }
    if (abort) {
      conn.write(Buffer.from('-ERR No shutdown in progress.\r\n'));
      return true;
    }
    if (!nosave) {
      conn.write(Buffer.from(busyText, 'latin1'));
      return true;
    }
    this.host.shutdownNow();
    return true;
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
    const episode = this.control.scriptState & ~0xff;
    let m = this.marked.get(conn);
    if (m === undefined || m.episode !== episode) {
      m = { episode, flag: false, exec: false };
      this.marked.set(conn, m);
    }
    if (exec ? m.exec : m.flag) return;
    if (exec) m.exec = true;
    else m.flag = true;
    conn.sendUnanswered([busyRejectedMarker, exec ? busyRejectedExec : busyRejectedFlag]);
  }
}

/** The engine's cString: up to `max` bytes, cut at the first NUL (Redis's %s of an sds). */
function cString(buf: Buffer, max = Infinity): string {
  let end = Math.min(buf.length, max);
  const nul = buf.indexOf(0);
  if (nul >= 0 && nul < end) end = nul;
  return buf.latin1Slice(0, end);
}
